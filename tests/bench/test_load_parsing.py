"""bench/load.py's plumbing: reading wrk's output, the Lua load scripts (run through the real
wrk against a recording server), and the /proc readings the CPU figures come from."""

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from proc_stats import cpu_seconds, descendants, resident_kib, tree_cpu_seconds
from wrk_runner import WRK, parse_output, run_wrk

WRK_STDOUT = """Running 3s test @ http://127.0.0.1:4000/v1/credentials
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   198.24ms   50.10ms 404.09ms   70.00%
    Req/Sec    36.01     10.20    60.00     65.00%
  223 requests in 3.10s, 1.01MB read
  Non-2xx or 3xx responses: 7
Requests/sec:     71.80
Transfer/sec:    333.10KB
WRK_RESULT {"requests":223,"duration_us":3100000,"p50_us":198240.0,"p99_us":404090.5,\
"connect":1,"read":2,"write":0,"status":7,"timeout":3}
"""


def test_parse_output_reads_the_lua_line_and_the_summary() -> None:
    result = parse_output(WRK_STDOUT)
    assert result.requests == 223
    assert result.seconds == pytest.approx(3.1)
    assert result.requests_per_second == pytest.approx(71.935, abs=0.01)
    assert result.p50_ms == pytest.approx(198.24)
    assert result.p99_ms == pytest.approx(404.0905)
    assert (result.connect_errors, result.read_errors, result.timeouts) == (1, 2, 3)
    assert result.non_2xx == 7
    assert result.errors == 1 + 2 + 0 + 3 + 7


def test_parse_output_keeps_the_larger_non_2xx_count() -> None:
    stdout = WRK_STDOUT.replace("Non-2xx or 3xx responses: 7", "Non-2xx or 3xx responses: 9")
    assert parse_output(stdout).non_2xx == 9
    without_summary_line = WRK_STDOUT.replace("  Non-2xx or 3xx responses: 7\n", "")
    assert parse_output(without_summary_line).non_2xx == 7


def test_parse_output_without_the_lua_line_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="WRK_RESULT"):
        parse_output(WRK_STDOUT.split("WRK_RESULT")[0])


class Recorder(BaseHTTPRequestHandler):
    """Answers every POST with 200 (or 500 for a body holding "fail") and keeps the bodies."""

    protocol_version = "HTTP/1.1"
    bodies: ClassVar[list[bytes]] = []
    authorizations: ClassVar[set[str | None]] = set()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.bodies.append(body)
        Recorder.authorizations.add(self.headers.get("Authorization"))
        self.send_response(500 if b"fail" in body else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """wrk drops its connections mid-request when its time is up: nothing to report."""


@pytest.fixture
def recorder() -> Iterator[str]:
    if not shutil.which(WRK):
        pytest.skip("wrk is not installed")
    Recorder.bodies.clear()
    Recorder.authorizations.clear()
    server = QuietServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def recipients(body: bytes) -> list[dict[str, str]]:
    document = json.loads(body)
    items = document["credentials"] if "credentials" in document else [document["credential"]]
    assert {item["group_id"] for item in items} == {42}
    return [item["recipient"] for item in items]


@pytest.mark.parametrize(("script", "per_request"), [("create", 1), ("bulk_create", 100)])
def test_lua_scripts_send_a_new_recipient_every_time(
    recorder: str, script: str, per_request: int
) -> None:
    result = run_wrk(
        f"{recorder}/v1/credentials",
        connections=4,
        seconds=1,
        request_script=script,
        script_args=["42", "label"],
        api_key="secret-key",
    )
    emails = [item["email"] for body in Recorder.bodies for item in recipients(body)]
    assert result.requests > 0
    assert result.errors == 0
    assert len(emails) >= result.requests * per_request
    assert len(set(emails)) == len(emails)
    assert Recorder.authorizations == {"Token token=secret-key"}
    assert result.client_cpu_seconds > 0


def test_non_2xx_answers_count_as_errors(recorder: str) -> None:
    result = run_wrk(
        f"{recorder}/",
        connections=2,
        seconds=1,
        request_script="create",
        script_args=["42", "fail"],
    )
    assert result.requests > 0
    assert result.non_2xx == result.requests
    assert result.errors >= result.requests


def test_cpu_and_memory_readings_cover_the_process_tree() -> None:
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        while cpu_seconds(child.pid) < 0.05:
            pass
        assert child.pid in descendants(os.getpid())
        parts = cpu_seconds(os.getpid()) + cpu_seconds(child.pid)  # read first: both only grow
        assert tree_cpu_seconds(os.getpid()) >= parts
        assert resident_kib(child.pid) > 0
    finally:
        child.kill()
        child.wait()
    assert cpu_seconds(child.pid) == 0.0
    assert resident_kib(child.pid) == 0
