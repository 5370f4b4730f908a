"""What the kernel says about a process tree: CPU seconds (utime + stime) and resident memory,
read from /proc. Benches divide CPU seconds by requests served: that figure barely moves when
other programs share the machine, unlike requests per second."""

import os
from pathlib import Path

CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
# Fields of /proc/<pid>/stat after the command name's closing parenthesis, counted from 0:
# state is field 3 of the whole line, so utime (14) and stime (15) are 11 and 12 here.
UTIME_FIELD, STIME_FIELD = 11, 12
PPID_FIELD = 1


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """The process's own CPU seconds (its threads; not its children's)."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[UTIME_FIELD]) + int(fields[STIME_FIELD])) / CLOCK_TICKS_PER_SECOND


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (uvicorn's workers and whatever they started)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            children.setdefault(int(fields[PPID_FIELD]), []).append(int(entry.name))
    found, pending = [], list(children.get(pid, []))
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children.get(child, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and every live process below it."""
    return sum(cpu_seconds(member) for member in [pid, *descendants(pid)])


def resident_kib(pid: int) -> int:
    """VmRSS of the process in KiB (0 once it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
