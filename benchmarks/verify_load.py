"""Load test of the VC-API endpoint ``POST /credentials/verify`` on a production-style server.

Run: ``.venv/bin/python benchmarks/verify_load.py`` (3 runs of 10 s); ``--quick`` for a
2-second smoke run; ``--json`` prints the figures as JSON. Needs ``wrk`` (Debian's package,
installed by ``make install-test``) and gunicorn (a project dependency).

What it does, all on loopback and in a temporary data directory:

1. Prepares an instance as ``credstack init`` would (secrets, migrated SQLite database,
   an issuing organisation with its signing key). Its base URL is an http://127.0.0.1
   address, so the organisation's issuer id is the did:key of its key.
2. Signs the benchmark micro-credential (``credstack bench``'s, about 70 quads) with that
   key (eddsa-rdfc-2022), issuer set to the organisation's did:key. By default it carries
   a revocation and a suspension entry, as an award of the platform does, on lists signed
   by the organisation and served by a stand-in for the issuer's site (a thread of this
   script on another port): the verifier fetches them as it would another issuer's, not
   from its own database, and never from the server it runs in (a worker waiting on its
   own server is no measure of anything). Fetching ``http://127.0.0.1`` is refused by
   the fetcher's SSRF guard on a real instance, so the server runs with
   ``CREDSTACK_FETCH_DEVELOPMENT_MODE=true`` (the documented switch); each worker keeps
   a fetched list as long as its ``Cache-Control`` says (30 s, as credstack's own
   ``/status/`` view sends it). ``--without-status`` drops ``credentialStatus``
   instead: no fetch at all.
3. Starts gunicorn as docs/deployment.md runs it (sync workers, one per core by default;
   ``--workers``, ``--worker-class``, ``--threads``) on 127.0.0.1 and a free port, with
   the verification rate limit switched off (``CREDSTACK_VERIFY_RATE_LIMIT=0``: every
   request comes from one address).
4. Warms every worker up, then runs wrk (``--latency``, a bounded ``--connections`` and
   ``--duration``) with a Lua script that POSTs the credential, checks that every response
   is a 200 whose body says ``"verified": true`` and prints the latency percentiles and
   the request rate from its ``done()`` hook. By default each connection sends its next
   request as soon as it has an answer (the most the server can do: latency then
   includes waiting behind the other connections' requests); ``--rate R`` makes each
   connection pause after an answer so that about R requests/s arrive (the latency at
   that load).

Figures per run: requests/s, latency p50/p90/p99/p99.9 and max (ms), the server's CPU
time per request (all gunicorn processes, from /proc), the cores each worker got, and
wrk's own CPU share. The summary is the median over runs. A response that is not a
verified 200, or a socket error, makes the script fail (exit 1) after printing what came
back.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

VERIFY_PATH = "/credentials/verify"
RESULT_MARKER = "CREDSTACK_WRK_RESULT "

# The Lua side of wrk: the body is read once per thread; response() counts verified 200s
# and keeps the first other answer; done() (main thread) adds the threads' counters up
# and prints one JSON line. Percentiles come from wrk's own latency histogram (µs).
WRK_SCRIPT = r"""
local body_file = assert(io.open(%(body_path)s, "rb"))
wrk.method = "POST"
wrk.body = body_file:read("*a")
body_file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local threads = {}
%(delay)s

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  verified = 0
  other = 0
  sample = ""
end

function response(status, headers, body)
  if status == 200 and body and string.find(body, '"verified":%%s*true') then
    verified = verified + 1
  else
    other = other + 1
    if sample == "" then
      sample = tostring(status) .. " " .. string.sub(body or "", 1, 600)
    end
  end
end

local function quoted(text)
  return '"' .. string.gsub(text, '[%%c"\\]', function(c)
    return string.format("\\u%%04x", string.byte(c))
  end) .. '"'
end

function done(summary, latency, requests)
  local verified_total, other_total, first_other = 0, 0, ""
  for _, thread in ipairs(threads) do
    verified_total = verified_total + thread:get("verified")
    other_total = other_total + thread:get("other")
    if first_other == "" then first_other = thread:get("sample") end
  end
  local errors = summary.errors
  io.write(string.format(
    '%(marker)s{"duration_us":%%d,"requests":%%d,"bytes":%%d,' ..
    '"verified":%%d,"other":%%d,"first_other":%%s,' ..
    '"errors":{"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d},' ..
    '"latency_us":{"mean":%%.1f,"stdev":%%.1f,"max":%%d,' ..
    '"p50":%%d,"p90":%%d,"p99":%%d,"p99.9":%%d}}\n',
    summary.duration, summary.requests, summary.bytes,
    verified_total, other_total, quoted(first_other),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
"""


class BenchmarkError(Exception):
    """The benchmark could not run, or the server answered wrongly."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def instance_environment(home: Path, base_url: str, *, with_status: bool) -> dict[str, str]:
    """The environment of a production-style instance in ``home`` (not debug: secrets
    are required) whose public address is ``base_url``."""
    return {
        "DJANGO_SETTINGS_MODULE": "credstack.config.settings",
        "CREDSTACK_HOME": str(home),
        "CREDSTACK_SECRET_KEY": secrets.token_urlsafe(40),
        "CREDSTACK_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32))
        .decode()
        .rstrip("="),
        "CREDSTACK_BASE_URL": base_url,
        "CREDSTACK_DEBUG": "false",
        "CREDSTACK_VERIFY_RATE_LIMIT": "0",
        "CREDSTACK_FETCH_DEVELOPMENT_MODE": "true" if with_status else "false",
        "CREDSTACK_LOG_LEVEL": "WARNING",
    }


def prepare_instance(home: Path, *, with_status: bool) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Migrate the instance's database, create an issuing organisation with a signing
    key, and return the benchmark credential signed by it and its status lists (path →
    signed list credential as served, empty without status). Django is set up in this
    process from the environment already in ``os.environ``; the lists' URLs are under
    its ``CREDSTACK_BASE_URL``."""
    from credstack.config.instance import setup_django

    setup_django(home)
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from credstack.accounts.services import create_organisation, create_user
    from credstack.bench import default_credential
    from credstack.issuing import status_lists
    from credstack.issuing.identifiers import active_key, issuer_id, verification_method
    from credstack.issuing.models import StatusPurpose
    from credstack.issuing.services import create_signing_key, load_key_pair
    from credstack.standards import sign
    from credstack.standards.status.status_list import status_list_entry

    call_command("migrate", interactive=False, verbosity=0)
    owner = create_user("owner@bench.example", secrets.token_urlsafe(16))
    organisation = create_organisation(
        name="Benchmark University", slug="bench", kind="university", country="FI", owner=owner
    )
    create_signing_key(organisation, by=owner)
    signing_key = active_key(organisation)
    issuer = issuer_id(organisation)
    key_pair = load_key_pair(signing_key)
    method = verification_method(signing_key)

    credential = default_credential()
    credential["issuer"]["id"] = issuer
    credential.pop("credentialStatus", None)
    served: dict[str, bytes] = {}
    if with_status:
        now = timezone.now()
        entries = []
        with transaction.atomic():
            for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION):
                status_list, index, _ = status_lists.allocate_index(
                    organisation, purpose, issuer=issuer, now=now
                )
                signed_list = status_lists.sign_status_list(
                    status_list,
                    issuer=issuer,
                    key_pair=key_pair,
                    verification_method=method,
                    now=now,
                )
                url = status_lists.status_list_url(status_list)
                served[urlsplit(url).path] = json.dumps(signed_list).encode()
                entries.append(
                    status_list_entry(list_credential_url=url, index=index, purpose=purpose)
                )
        credential["credentialStatus"] = entries
    signed = sign(credential, key_pair, verification_method=method)
    assert isinstance(signed, dict)
    # What a client sends: plain JSON, as the endpoint will parse it.
    return json.loads(json.dumps(signed)), served


class StatusListServer:
    """The issuer's site, as far as a verifier sees it: serves the signed status lists
    at their paths on 127.0.0.1 (a thread of this process) and counts the fetches."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.documents.get(self.path)
                owner.fetches += 1
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/vc+ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "public, max-age=30")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StatusListServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_server(
    environment: dict[str, str],
    port: int,
    *,
    workers: int,
    worker_class: str,
    threads: int,
    log_path: Path,
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "credstack.config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--error-logfile",
        str(log_path),
        "--log-level",
        "warning",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    return subprocess.Popen(
        command,
        env=environment,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def post_verify(url: str, body: bytes, timeout: float = 10.0) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_until_verified(
    server: subprocess.Popen[bytes], url: str, body: bytes, log_path: Path, seconds: float
) -> dict[str, Any]:
    """Poll until the server answers; the first answer must be a verified credential."""
    deadline = time.monotonic() + seconds
    while True:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at start:\n{_tail(log_path)}")
        try:
            status, answer = post_verify(url, body)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise BenchmarkError(
                    f"gunicorn did not answer within {seconds:.0f} s:\n{_tail(log_path)}"
                ) from None
            time.sleep(0.2)
            continue
        if status != 200 or answer.get("verified") is not True:
            raise BenchmarkError(
                f"the benchmark credential was not verified ({status}): {json.dumps(answer)[:2000]}"
            )
        return answer


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def cpu_seconds_by_process(root_pid: int) -> dict[int, float]:
    """User + system CPU seconds of ``root_pid`` (gunicorn's master) and of each of its
    children (the workers), read from /proc; empty where /proc cannot be read."""
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in [root_pid, *_children(root_pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks_per_second  # utime, stime
    return seconds


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def write_wrk_script(path: Path, body_path: Path, *, pause_ms: float = 0) -> Path:
    """The Lua script for wrk; with ``pause_ms``, each connection waits that long after
    every answer before its next request (wrk's ``delay()`` hook, not counted in the
    latency), so that the load is a chosen rate rather than as fast as possible."""
    delay = f"function delay() return {pause_ms:.3f} end" if pause_ms > 0 else ""
    path.write_text(
        WRK_SCRIPT
        % {"body_path": json.dumps(str(body_path)), "marker": RESULT_MARKER, "delay": delay}
    )
    return path


def run_wrk(
    wrk: str,
    url: str,
    script: Path,
    *,
    connections: int,
    wrk_threads: int,
    seconds: int,
    server_pid: int,
    warmup: bool = False,
) -> dict[str, Any]:
    """One wrk run: its figures, the server's CPU per request, how that CPU was shared
    between the worker processes, and wrk's own CPU. Only a ``warmup`` run may complete
    no request (a worker still starting on a busy machine)."""
    command = [
        wrk,
        f"--threads={wrk_threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=5s",
        "--latency",
        f"--script={script}",
        url,
    ]
    cpu_before = cpu_seconds_by_process(server_pid)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after = cpu_seconds_by_process(server_pid)
    if completed.returncode != 0:
        raise BenchmarkError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_MARKER)]
    if not lines:
        raise BenchmarkError(f"wrk printed no result line:\n{completed.stdout}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_MARKER) :])
    requests = result["requests"]
    if requests == 0 and not warmup:
        raise BenchmarkError(f"no request completed in {seconds} s:\n{completed.stdout}")
    duration = result["duration_us"] / 1e6
    used = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    server_cpu = sum(used.values())
    workers = sorted((used[pid] for pid in used if pid != server_pid), reverse=True)
    wrk_cpu = (children_after.ru_utime - children_before.ru_utime) + (
        children_after.ru_stime - children_before.ru_stime
    )
    return {
        "requests": requests,
        "seconds": round(duration, 3),
        "requests_per_second": round(requests / duration, 1),
        "latency_ms": {
            name: round(value / 1000, 2) for name, value in result["latency_us"].items()
        },
        "verified": result["verified"],
        "not_verified": result["other"],
        "first_not_verified": result["first_other"],
        "socket_errors": result["errors"],
        "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 3) if requests else None,
        "server_cpu_cores": round(server_cpu / duration, 2),
        "worker_cpu_cores": [round(cpu / duration, 2) for cpu in workers],
        "wrk_cpu_cores": round(wrk_cpu / duration, 2),
        "wrk_output": completed.stdout,
    }


def check_run(run: dict[str, Any]) -> None:
    errors = run["socket_errors"]
    if run["not_verified"] or run["verified"] != run["requests"] or any(errors.values()):
        raise BenchmarkError(
            f"{run['not_verified']} of {run['requests']} responses were not verified 200s, "
            f"socket errors {errors}; first one: {run['first_not_verified']!r}"
        )


def measure(options: argparse.Namespace) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchmarkError("wrk is not installed: run `make install-test` (apt-get install wrk)")
    with_status = not options.without_status
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    url = base_url + VERIFY_PATH
    load_average = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="credstack-verify-load-") as directory,
        StatusListServer() as issuer_site,
    ):
        home = Path(directory)
        for name in ("DATABASE_URL", "CREDSTACK_REDIS_URL", "CREDSTACK_ALLOWED_HOSTS"):
            os.environ.pop(name, None)
        for name in ("CREDSTACK_SECRET_KEY_FILE", "CREDSTACK_KEY_ENCRYPTION_KEY_FILE"):
            os.environ.pop(name, None)
        environment = instance_environment(home, base_url, with_status=with_status)
        # The credential and its lists are made as by an issuer whose site is issuer_site.
        issuer_base_url = f"http://127.0.0.1:{issuer_site.port}"
        os.environ.update({**environment, "CREDSTACK_BASE_URL": issuer_base_url})
        credential, issuer_site.documents = prepare_instance(home, with_status=with_status)
        body = json.dumps({"verifiableCredential": credential}).encode()
        body_path = home / "request.json"
        body_path.write_bytes(body)
        full_speed = write_wrk_script(home / "verify.lua", body_path)

        log_path = home / "gunicorn.log"
        server = start_server(
            {**os.environ, **environment},
            port,
            workers=options.workers,
            worker_class=options.worker_class,
            threads=options.threads,
            log_path=log_path,
        )
        try:
            answer = wait_until_verified(server, url, body, log_path, seconds=60)

            def load(seconds: int, script: Path, warmup: bool = False) -> dict[str, Any]:
                run = run_wrk(
                    wrk,
                    url,
                    script,
                    connections=options.connections,
                    wrk_threads=options.wrk_threads,
                    seconds=seconds,
                    server_pid=server.pid,
                    warmup=warmup,
                )
                check_run(run)
                return run

            # Every worker finishes starting, runs each code path once and fetches the lists.
            load(options.warmup, full_speed, warmup=True)
            script, pause_ms = full_speed, 0.0
            if options.rate:
                # A connection's cycle is its pause plus an answer's latency. A 2-second
                # calibration pauses a whole cycle, which gives the latency at about that
                # load; the runs pause the cycle less that latency, to come near --rate.
                cycle_ms = 1000 * options.connections / options.rate
                calibration = write_wrk_script(home / "slow.lua", body_path, pause_ms=cycle_ms)
                latency_ms = load(2, calibration, warmup=True)["latency_ms"]["mean"]
                pause_ms = max(0.1, cycle_ms - latency_ms)
                script = write_wrk_script(home / "paced.lua", body_path, pause_ms=pause_ms)
            fetches_before = issuer_site.fetches
            runs = [load(options.duration, script) for _ in range(options.runs)]
            status_fetches = issuer_site.fetches - fetches_before
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 3)

    def median_latency(name: str) -> float:
        return round(statistics.median(run["latency_ms"][name] for run in runs), 2)

    server_command = (
        f"gunicorn credstack.config.wsgi --workers {options.workers} "
        f"--worker-class {options.worker_class}"
    )
    if options.worker_class == "gthread":
        server_command += f" --threads {options.threads}"
    return {
        "endpoint": f"POST {VERIFY_PATH}",
        "credential": {
            "bytes": len(body),
            "suite": credential["proof"]["cryptosuite"],
            "issuer": "did:key",
            "status": (
                "a revocation and a suspension entry, their lists fetched over loopback "
                "from a stand-in for the issuer's site (CREDSTACK_FETCH_DEVELOPMENT_MODE=true)"
                if with_status
                else "none (credentialStatus removed)"
            ),
            "checks_passed": answer["checks"],
        },
        "server": {
            "command": server_command,
            "database": "SQLite (WAL)",
            "rate_limit": "off (CREDSTACK_VERIFY_RATE_LIMIT=0)",
        },
        "load": {
            "tool": "wrk",
            "rate_asked": options.rate,
            "pause_ms": round(pause_ms, 2),
            "connections": options.connections,
            "threads": options.wrk_threads,
            "seconds_per_run": options.duration,
            "runs": options.runs,
            "warmup_seconds": options.warmup,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_average],
            "python": platform.python_version(),
        },
        "median": {
            "requests_per_second": round(median("requests_per_second"), 1),
            "p50_ms": median_latency("p50"),
            "p90_ms": median_latency("p90"),
            "p99_ms": median_latency("p99"),
            "p99.9_ms": median_latency("p99.9"),
            "server_cpu_ms_per_request": median("server_cpu_ms_per_request"),
        },
        "status_list_fetches_while_measuring": status_fetches if with_status else None,
        "runs": [{k: v for k, v in run.items() if k != "wrk_output"} for run in runs],
        "last_wrk_output": runs[-1]["wrk_output"],
    }


def print_table(figures: dict[str, Any]) -> None:
    load = figures["load"]
    print(f"{figures['endpoint']} on {figures['server']['command']}")
    print(
        f"credential: {figures['credential']['bytes']:,} bytes, "
        f"{figures['credential']['suite']}, issuer {figures['credential']['issuer']}, "
        f"status: {figures['credential']['status']}"
    )
    pace = (
        f"aiming at {load['rate_asked']:g} requests/s (a {load['pause_ms']} ms pause after "
        "each answer)"
        if load["rate_asked"]
        else "as fast as answered"
    )
    print(
        f"wrk: {load['connections']} connections, {load['threads']} thread(s), {pace}, "
        f"{load['runs']} run(s) of {load['seconds_per_run']} s after "
        f"{load['warmup_seconds']} s of warm-up; every response a verified 200; "
        f"load average before {figures['machine']['load_average_before']}"
    )
    header = (
        f"{'run':>4} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} "
        f"{'p99 ms':>7} {'p99.9 ms':>8} {'max ms':>7} {'server ms/req':>13} "
        f"{'server cores':>12}  {'per worker':<14} {'wrk cores':>9}"
    )
    print(header)
    for number, run in enumerate(figures["runs"], 1):
        latency = run["latency_ms"]
        print(
            f"{number:>4} {run['requests']:>9,} {run['requests_per_second']:>8.1f} "
            f"{latency['p50']:>7.2f} {latency['p90']:>7.2f} {latency['p99']:>7.2f} "
            f"{latency['p99.9']:>8.2f} {latency['max']:>7.2f} "
            f"{run['server_cpu_ms_per_request']:>13.3f} {run['server_cpu_cores']:>12.2f}  "
            f"{' '.join(f'{c:.2f}' for c in run['worker_cpu_cores']):<14} "
            f"{run['wrk_cpu_cores']:>9.2f}"
        )
    median = figures["median"]
    print(
        f"median: {median['requests_per_second']:.1f} requests/s, "
        f"p50 {median['p50_ms']:.2f} ms, p99 {median['p99_ms']:.2f} ms, "
        f"{median['server_cpu_ms_per_request']:.3f} ms of server CPU per request"
    )
    fetches = figures["status_list_fetches_while_measuring"]
    if fetches is not None:
        print(f"status lists fetched while measuring: {fetches} (a worker keeps one for 30 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one 2-second run: a smoke run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=3, help="measured runs (median reported)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
    parser.add_argument(
        "--rate",
        type=float,
        help="requests/s to aim at (each connection pauses between requests); "
        "by default as fast as the server answers",
    )
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk's threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn's"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument(
        "--without-status",
        action="store_true",
        help="verify a credential without credentialStatus (no status list fetch)",
    )
    parser.add_argument("--wrk-output", action="store_true", help="also print wrk's own report")
    options = parser.parse_args()
    if options.quick:
        options.runs, options.duration, options.warmup = 1, 2, 1
    for name in ("runs", "connections", "wrk_threads", "workers", "threads"):
        if getattr(options, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if options.connections < options.wrk_threads:
        parser.error("--connections must be at least --wrk-threads")
    if options.duration < 1 or options.warmup < 1:
        parser.error("--duration and --warmup must be at least 1 (second)")
    if options.rate is not None and options.rate <= 0:
        parser.error("--rate must be positive")

    try:
        figures = measure(options)
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    wrk_output = figures.pop("last_wrk_output")
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    print_table(figures)
    if options.wrk_output:
        print("\nwrk's report of the last run:")
        print(wrk_output)


if __name__ == "__main__":
    main()
