"""Benchmark: issuing credentials through the Accredible dialect, one per request
(`POST /v1/credentials`) or --batch per request (`POST /v1/credentials/bulk_create`).

The script starts a throw-away Plaudit server (its own temporary data directory, SQLite unless
--database-url names another database), creates one group, then issues --count credentials
from --concurrency concurrent HTTP clients and measures throughput and per-request latency.
A warm-up of a few requests runs first and is not measured.

Run it from the project root:

    .venv/bin/python bench/issue_credentials.py --count 2000 --concurrency 8
    .venv/bin/python bench/issue_credentials.py --count 20000 --batch 100 --concurrency 4
    .venv/bin/python bench/issue_credentials.py --count 5000 --batch 100 --signing compare

Credentials are signed at issuance (Open Badges 3.0, both proof formats) unless
`--signing off`; `--signing compare` runs the benchmark with signing, then without, and prints
one line with both throughputs and their ratio.

stdout gets exactly one line of JSON with the results; progress and errors go to stderr.
The exit status is non-zero if any request failed (non-200 answer or transport error); the
"errors" field counts the warm-up's failures too. SIGTERM is treated like Ctrl-C: either one
stops the server and removes the temporary directory.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

SINGLE_BENCHMARK = "accredible_create_credential"
BULK_BENCHMARK = "accredible_bulk_create_v1"
WARMUP_REQUESTS = 20
# Workers import Plaudit before they answer: on a busy 2-core machine that takes half a minute.
HEALTH_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 10.0
REQUEST_TIMEOUT_SECONDS = 60.0
MAX_LOGGED_ERRORS = 5


@dataclass
class Results:
    """What one phase of requests produced."""

    latencies: list[float] = field(default_factory=list)
    credentials: int = 0
    errors: int = 0


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="Credentials to issue.")
    parser.add_argument("--concurrency", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    parser.add_argument(
        "--batch", type=int, default=0, help="Credentials per v1 bulk_create request; 0: single."
    )
    parser.add_argument(
        "--database-url", default=None, help="SQLAlchemy URL; default: SQLite in a temp dir."
    )
    parser.add_argument(
        "--signing",
        choices=("on", "off", "compare"),
        default="on",
        help="Sign at issuance (PLAUDIT_SIGN_AT_ISSUANCE); compare: run both, print the ratio.",
    )
    args = parser.parse_args()
    for name in ("count", "concurrency", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if not 0 <= args.batch <= 100:
        parser.error("--batch must be between 0 and 100")
    return args


def database_label(database_url: str | None) -> str:
    """The URL's scheme without its driver: `postgresql+psycopg://...` -> `postgresql`."""
    if database_url is None:
        return "sqlite"
    return database_url.partition(":")[0].partition("+")[0] or "unknown"


def plaudit_executable() -> Path:
    return Path(sys.executable).parent / "plaudit"


def plaudit_init(env: dict[str, str]) -> dict[str, Any]:
    """`plaudit init --json` in `env`: the demo organization's API key and first-owner link."""
    completed = subprocess.run(
        [str(plaudit_executable()), "init", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise RuntimeError(f"plaudit init failed with exit status {completed.returncode}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError("plaudit init --json printed nothing")
    made: dict[str, Any] = json.loads(lines[-1])
    return made


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(
    data_dir: Path, database_url: str | None, signing: bool = True
) -> dict[str, str]:
    env = dict(os.environ)
    env["PLAUDIT_SIGN_AT_ISSUANCE"] = "true" if signing else "false"
    env["PLAUDIT_DATA_DIR"] = str(data_dir)
    env["PLAUDIT_LOG_LEVEL"] = "warning"
    # One client IP sends more than the per-IP limit allows: measure issuance, not the limiter.
    env["PLAUDIT_RATE_LIMIT_ENABLED"] = "false"
    env.pop("PLAUDIT_DATABASE_URL", None)
    if database_url is not None:
        env["PLAUDIT_DATABASE_URL"] = database_url
    return env


def create_api_key(env: dict[str, str]) -> str:
    """The API key of the demo organization `plaudit init --json` makes in `env`."""
    return str(plaudit_init(env)["api_key"])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [str(plaudit_executable()), "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    log(f"starting: {' '.join(command)}")
    # Its own session, so that Ctrl-C reaches only this script, which then stops the server
    # itself, and so that the whole group (uvicorn's worker processes too) can be killed.
    return subprocess.Popen(command, env=env, stdout=sys.stderr, start_new_session=True)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        log("server did not stop in time: killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    with httpx.Client(base_url=base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early with status {process.returncode}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer GET /healthz with 200 in {HEALTH_TIMEOUT_SECONDS} s")


@dataclass
class Instance:
    """A throw-away Plaudit data directory, set up by `plaudit init`, and its API key."""

    data_dir: Path
    database_url: str | None
    env: dict[str, str]
    api_key: str


@contextmanager
def fresh_instance(database_url: str | None, signing: bool = True) -> Iterator[Instance]:
    """A new instance in a temporary directory (the migrations applied), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="plaudit-bench-") as data_dir:
        env = server_environment(Path(data_dir), database_url, signing)
        yield Instance(Path(data_dir), database_url, env, create_api_key(env))


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[str]:
    """`plaudit serve` on a free loopback port, answering /healthz; its base URL. Always
    stopped afterwards."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(env, port, workers)
    try:
        wait_until_healthy(base_url, server)
        yield base_url
    finally:
        stop_server(server)


def group_body() -> dict[str, Any]:
    return {
        "group": {
            "name": "Benchmark group",
            "course_name": "Benchmarking 101",
            "course_description": "Credentials issued by bench/issue_credentials.py.",
            "allow_duplicate_credentials": False,
        }
    }


def credential_body(email_prefix: str, index: int, group_id: int) -> dict[str, Any]:
    return {
        "recipient": {"name": f"Learner {index}", "email": f"{email_prefix}-{index}@example.com"},
        "group_id": group_id,
    }


def request_for(
    indices: list[int], email_prefix: str, group_id: int, batch: int
) -> tuple[str, dict[str, Any]]:
    """The path and body that issue the credentials of `indices` in one request."""
    bodies = [credential_body(email_prefix, index, group_id) for index in indices]
    if batch == 0:
        return "/v1/credentials", {"credential": bodies[0]}
    return "/v1/credentials/bulk_create", {"credentials": bodies}


async def create_group(client: httpx.AsyncClient) -> int:
    response = await client.post("/v1/issuer/groups", json=group_body())
    if response.status_code != 200:
        raise RuntimeError(f"creating the group: HTTP {response.status_code}: {response.text}")
    return int(response.json()["group"]["id"])


async def issue_one(
    client: httpx.AsyncClient,
    request: tuple[str, Any],
    count: int,
    results: Results,
    expected: int = 200,
    check: Callable[[Any], bool] | None = None,
) -> None:
    """Send one request and record its latency, or count it as an error: an answer other than
    `expected`, or whose body fails `check`."""
    path, body = request
    started = time.perf_counter()
    try:
        response = await client.post(path, json=body)
    except httpx.HTTPError as error:
        report_error(results, f"{type(error).__name__}: {error}")
        return
    elapsed = time.perf_counter() - started
    if response.status_code != expected or (check is not None and not check(response.json())):
        report_error(results, f"HTTP {response.status_code}: {response.text[:500]}")
        return
    results.latencies.append(elapsed)
    results.credentials += count


def report_error(results: Results, message: str) -> None:
    results.errors += 1
    if results.errors <= MAX_LOGGED_ERRORS:
        log(f"request failed: {message}")
    elif results.errors == MAX_LOGGED_ERRORS + 1:
        log("more requests failed; not logging each one")


async def issue_many(
    client: httpx.AsyncClient,
    group_id: int,
    email_prefix: str,
    count: int,
    concurrency: int,
    batch: int,
) -> Results:
    """Issue `count` credentials from `concurrency` workers pulling batches from one iterator."""
    results = Results()
    size = max(batch, 1)
    batches: Iterator[list[int]] = (
        list(range(start, min(start + size, count))) for start in range(0, count, size)
    )

    async def worker() -> None:
        for indices in batches:
            request = request_for(indices, email_prefix, group_id, batch)
            await issue_one(client, request, len(indices), results)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


async def send_all(
    client: httpx.AsyncClient,
    requests: Iterable[tuple[str, Any]],
    concurrency: int,
    expected: int,
    check: Callable[[Any], bool] | None = None,
) -> Results:
    """Send every request from `concurrency` workers pulling from one iterator; see issue_one."""
    results = Results()
    pending = iter(requests)

    async def worker() -> None:
        for request in pending:
            await issue_one(client, request, 1, results, expected, check)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def percentiles_ms(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 of the latencies, in milliseconds."""
    if len(latencies) < 2:
        single = latencies[0] * 1000 if latencies else 0.0
        return single, single
    # statistics.quantiles with n=100 gives the 99 cut points p1..p99; the "inclusive" method
    # interpolates linearly between the sorted samples (the samples are the whole population).
    cut_points = statistics.quantiles(latencies, n=100, method="inclusive")
    return cut_points[49] * 1000, cut_points[98] * 1000


async def run_load(
    base_url: str, api_key: str, count: int, concurrency: int, batch: int
) -> tuple[Results, float, int]:
    """Create the group, warm up, then issue the measured credentials.

    Returns the measured results, the measured wall-clock seconds and the warm-up's errors."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Token token={api_key}"},
        limits=limits,
        timeout=REQUEST_TIMEOUT_SECONDS,
    ) as client:
        group_id = await create_group(client)
        log(f"group {group_id} created; warming up with {WARMUP_REQUESTS} requests")
        warmup_count = WARMUP_REQUESTS * max(batch, 1)
        warmup = await issue_many(client, group_id, "warmup", warmup_count, concurrency, batch)
        log(f"issuing {count} credentials from {concurrency} concurrent clients")
        started = time.perf_counter()
        measured = await issue_many(client, group_id, "learner", count, concurrency, batch)
        seconds = time.perf_counter() - started
    return measured, seconds, warmup.errors


def summary(
    args: argparse.Namespace, measured: Results, seconds: float, errors: int
) -> dict[str, Any]:
    p50, p99 = percentiles_ms(measured.latencies)
    return {
        "benchmark": BULK_BENCHMARK if args.batch else SINGLE_BENCHMARK,
        "database": database_label(args.database_url),
        "count": args.count,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "batch": args.batch,
        "signing": args.signing != "off",
        "seconds": round(seconds, 3),
        "credentials_per_second": round(measured.credentials / seconds, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "errors": errors,
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Set up a server in a temporary directory, load it, and always tear it down."""
    with (
        fresh_instance(args.database_url, args.signing != "off") as instance,
        serving(instance.env, args.workers) as base_url,
    ):
        measured, seconds, warmup_errors = asyncio.run(
            run_load(base_url, instance.api_key, args.count, args.concurrency, args.batch)
        )
    return summary(args, measured, seconds, measured.errors + warmup_errors)


def sigterm_as_ctrl_c(_signum: int, _frame: object) -> None:
    """Treat SIGTERM like Ctrl-C: asyncio.run cancels the load cleanly on SIGINT, and the
    KeyboardInterrupt that follows unwinds through the `finally` that stops the server."""
    signal.raise_signal(signal.SIGINT)


def run(measure: Callable[[], dict[str, Any]], failure: str) -> int:
    """Run a benchmark as a command: its JSON line on stdout, `failure` logged and exit status 1
    when its result counts errors, 130 on Ctrl-C or SIGTERM."""
    signal.signal(signal.SIGTERM, sigterm_as_ctrl_c)
    try:
        result = measure()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except (RuntimeError, httpx.HTTPError) as error:
        log(f"error: {error}")
        return 1
    print(json.dumps(result), flush=True)
    if result["errors"]:
        log(failure)
        return 1
    return 0


def compare_signing(args: argparse.Namespace) -> dict[str, Any]:
    """The same run with signing at issuance and without: both throughputs and their ratio."""
    signed = benchmark(argparse.Namespace(**{**vars(args), "signing": "on"}))
    unsigned = benchmark(argparse.Namespace(**{**vars(args), "signing": "off"}))
    with_signing = signed["credentials_per_second"]
    without = unsigned["credentials_per_second"]
    return {
        **{key: value for key, value in signed.items() if key not in ("signing", "errors")},
        "benchmark": f"{signed['benchmark']}_signing_ratio",
        "credentials_per_second": with_signing,
        "credentials_per_second_without_signing": without,
        "p50_ms_without_signing": unsigned["p50_ms"],
        "p99_ms_without_signing": unsigned["p99_ms"],
        "signing_throughput_ratio": round(with_signing / without, 3) if without else None,
        "errors": signed["errors"] + unsigned["errors"],
    }


def main() -> int:
    args = parse_args()
    measure = compare_signing if args.signing == "compare" else benchmark
    return run(lambda: measure(args), "some requests failed")


if __name__ == "__main__":
    sys.exit(main())
