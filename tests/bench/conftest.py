"""The bench scripts import each other as top-level modules (they run as `python bench/x.py`):
their tests put bench/ on the path the same way."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))
