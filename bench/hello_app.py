"""The reference: a bare FastAPI app on uvicorn, one worker, `GET /` answering a small JSON.

Plaudit's figures are given as ratios to it, measured in the same run on the same machine,
so that they say how much Plaudit costs above the framework itself.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from issue_credentials import HEALTH_TIMEOUT_SECONDS, free_port, log, stop_server

app = FastAPI()


@app.get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hello app exited early with status {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the hello app did not answer in {HEALTH_TIMEOUT_SECONDS} s")


@contextmanager
def serving_hello() -> Iterator[tuple[str, int]]:
    """The hello app on a free loopback port: its URL and process id. Stopped afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent)]
    command += ["hello_app:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--log-level", "warning", "--no-access-log"]
    log(f"starting the hello app: {' '.join(command)}")
    process = subprocess.Popen(command, stdout=sys.stderr, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_answering(url, process)
        yield url, process.pid
    finally:
        stop_server(process)
