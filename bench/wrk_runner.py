"""Drive an HTTP server with `wrk` (Debian's wrk 4.1) and read back what it measured.

A load script is put together from bench/lua/: the measure's own request() (if any) after
threads.lua, then done.lua, whose done() prints one `WRK_RESULT {...}` JSON line. wrk's own
text summary is read too, for the "Non-2xx or 3xx responses" count. wrk's CPU seconds come
from the kernel when it is reaped (wait4), so that a bench can show the client was not the
bottleneck: its CPU per request next to the server's.
"""

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WRK = "/usr/bin/wrk"
LUA_DIR = Path(__file__).resolve().parent / "lua"
RESULT_PREFIX = "WRK_RESULT "
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")
THREADS = 2
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: counts, latency percentiles and wrk's own CPU seconds."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    connect_errors: int
    read_errors: int
    write_errors: int
    timeouts: int
    non_2xx: int
    client_cpu_seconds: float = 0.0

    @property
    def errors(self) -> int:
        return (
            self.connect_errors
            + self.read_errors
            + self.write_errors
            + self.timeouts
            + self.non_2xx
        )

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_output(stdout: str) -> WrkResult:
    """The results from wrk's stdout: done.lua's JSON line, and the summary's non-2xx count
    (which wrk also gives done() as errors.status; the larger of the two is kept)."""
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{stdout[-2000:]}")
    values = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
    summary_non_2xx = NON_2XX.search(stdout)
    non_2xx = max(int(values["status"]), int(summary_non_2xx.group(1)) if summary_non_2xx else 0)
    return WrkResult(
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        p50_ms=float(values["p50_us"]) / 1000,
        p99_ms=float(values["p99_us"]) / 1000,
        connect_errors=int(values["connect"]),
        read_errors=int(values["read"]),
        write_errors=int(values["write"]),
        timeouts=int(values["timeout"]),
        non_2xx=non_2xx,
    )


def load_script(request_script: str | None) -> str:
    """The Lua text for a measure: lua/<request_script>.lua's request() or wrk's default GET."""
    parts = []
    if request_script is not None:
        parts += [LUA_DIR / "threads.lua", LUA_DIR / f"{request_script}.lua"]
    parts.append(LUA_DIR / "done.lua")
    return "\n".join(part.read_text() for part in parts)


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    request_script: str | None = None,
    script_args: Sequence[str] = (),
    api_key: str | None = None,
) -> WrkResult:
    """Load `url` for `seconds` from THREADS threads and `connections` connections."""
    env = dict(os.environ)
    env.pop("PLAUDIT_BENCH_API_KEY", None)
    if api_key is not None:
        env["PLAUDIT_BENCH_API_KEY"] = api_key  # not on the command line, where ps shows it
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="plaudit-wrk-") as script:
        script.write(load_script(request_script))
        script.flush()
        command = [WRK, f"-t{THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        command += [f"--timeout={TIMEOUT_SECONDS}s", "-s", script.name, url]
        if script_args:
            command += ["--", *script_args]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        stdout = process.stdout.read() if process.stdout else ""
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"wrk exited with status {process.returncode}:\n{stdout[-2000:]}")
    result = parse_output(stdout)
    return WrkResult(**{**vars(result), "client_cpu_seconds": usage.ru_utime + usage.ru_stime})
