"""The independent verifier: tests/node/verify.mjs, Digital Bazaar's vc stack and jose on the
machine's node, fed every document it may need (nothing is fetched)."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


@dataclass(frozen=True)
class NodeVerdict:
    verified: bool
    errors: list[str]


class NodeVerifier:
    def __init__(self, node: str) -> None:
        self.node = node

    def verify(
        self, credential: dict[str, Any] | str, documents: dict[str, Any], now: str | None = None
    ) -> NodeVerdict:
        given: dict[str, Any] = {"credential": credential, "documents": documents}
        if now:
            given["now"] = now
        done = subprocess.run(
            [self.node, str(NODE_DIR / "verify.mjs")],
            input=json.dumps(given),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"node verifier failed: {done.stderr}")
        outcome = json.loads(done.stdout)
        return NodeVerdict(verified=outcome["verified"], errors=outcome["errors"])


def node_verifier() -> NodeVerifier:
    """The verifier, its packages installed from the lock file when missing (as .ci/run does);
    the test is skipped, saying why, only when node or npm is not on the machine."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the independent verifier (tests/node)")
    if not (NODE_DIR / "node_modules").is_dir():
        subprocess.run(
            [npm, "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return NodeVerifier(node)
