"""REL-01 load test: N concurrent demo users for S seconds on the main pages and intake, against
gunicorn on 127.0.0.1 with PostgreSQL (or SQLite). Headless, standard library only.

    .venv/bin/python benchmarks/security/loadtest.py                 # full: 20 users, 60 s, PostgreSQL
    .venv/bin/python benchmarks/security/loadtest.py --seconds 10    # the short form CI runs
    .venv/bin/python benchmarks/security/loadtest.py --base-url http://127.0.0.1:8000  # a running server

Each user signs in with a demo account (var/demo_accounts.json, `lianxin demo`), reads the home
page, follows the navigation of its role (its main pages: lists, queues, ledgers) and the list
APIs; hotline agents also take requests (intake through the API, with an idempotency key).
Prints requests, errors (5xx, timeouts, connection errors), p50/p95/p99 overall and per page.
With ``--check`` exits 1 unless errors == 0, p95 <= 300 ms and p99 <= 800 ms (SECURITY.md)."""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lianxin_load"
NAV = re.compile(r'<nav id="nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
API_PAGES = [
    "/api/v1/me/",
    "/api/v1/households/",
    "/api/v1/persons/",
    "/api/v1/hotline/workorders/",
]
RUN = f"{os.getpid()}.{int(time.time())}"
INTAKE_TEXTS = [
    "小区门口路灯不亮，晚上出行不便，请尽快维修。",
    "楼道里的暖气不热，家里有老人，请供热公司来看看。",
    "路边有一个井盖坏了，很危险，请市政来处理。",
    "低保申请材料交了一个月了还没有消息，想问问进度。",
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.status: dict[int, int] = defaultdict(int)

    def add(self, label: str, seconds: float, status: int, error: str = "") -> None:
        with self.lock:
            self.latency[label].append(seconds)
            self.status[status] += 1
            if error or status >= 500:
                self.errors.append(f"{label}: {error or status}")


class Clock:
    """Every user signs in and warms up first; the measured period starts when all are ready."""

    def __init__(self, users: int, seconds: float) -> None:
        self.ready = threading.Barrier(users + 1)
        self.seconds = seconds
        self.deadline = 0.0


class User(threading.Thread):
    def __init__(self, base: str, account: dict, clock: Clock, rec: Recorder, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.account, self.clock, self.rec = base, account, clock, rec
        self.random = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.pages: list[str] = []
        self.token = ""
        self.cookie = self.netloc = self.host = ""
        self.port = 0

    def request(
        self,
        path: str,
        *,
        label: str | None = None,
        data: bytes | None = None,
        headers: dict | None = None,
    ) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                body = response.read().decode("utf-8", errors="replace")
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read().decode("utf-8", errors="replace"), exc.code
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            self.rec.add(label or path, time.perf_counter() - start, 0, repr(exc))
            return 0, ""
        self.rec.add(label or path, time.perf_counter() - start, status)
        return status, body

    def fetch(
        self, path: str, *, label: str | None = None, data: bytes | None = None, headers=None
    ) -> int:
        """The measured requests, after sign-in: the same request as ``request`` (its cookies,
        a new connection each time, ``Connection: close``) through ``http.client`` directly,
        redirects followed), the body read and dropped undecoded: without urllib's handler
        chain, the cookie jar's parsing and the decoding of every page, which cost the load
        generator CPU that it takes from the server on the same cores (issue #15)."""
        head = {"Host": self.netloc, "Accept-Encoding": "identity", "Connection": "close"}
        if self.cookie:
            head["Cookie"] = self.cookie
        head.update(headers or {})
        start = time.perf_counter()
        status, hops = 0, 0
        try:
            while True:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                try:
                    conn.request("POST" if data is not None else "GET", path, data, head)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    location = response.getheader("Location", "")
                finally:
                    conn.close()
                if status in (301, 302, 303) and location and hops < 3 and data is None:
                    path, hops = urllib.parse.urljoin(path, location), hops + 1
                    continue
                break
        except (OSError, http.client.HTTPException) as exc:
            self.rec.add(label or path, time.perf_counter() - start, 0, repr(exc))
            return 0
        self.rec.add(label or path, time.perf_counter() - start, status)
        return status

    def use_cookies(self) -> None:
        parts = urllib.parse.urlsplit(self.base)
        self.netloc, self.host, self.port = parts.netloc, parts.hostname or "", parts.port or 80
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def api_token(self) -> None:
        """Hotline agents also use the API with a token (asked for before any session cookie)."""
        body = json.dumps(
            {"username": self.account["username"], "password": self.account["password"]}
        ).encode()
        code, answer = self.request(
            "/api/v1/auth/token/",
            label="api token",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        if code == 200:
            self.token = json.loads(answer)["token"]

    def login(self) -> bool:
        if self.account["role"] == "hotline_agent":
            self.api_token()
        _, page = self.request("/accounts/login/", label="login")
        match = CSRF.search(page)
        if not match:
            return False
        form = urllib.parse.urlencode(
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": match.group(1),
            }
        ).encode()
        status, home = self.request("/accounts/login/", label="login", data=form)
        nav = NAV.search(home)
        links = HREF.findall(nav.group(1)) if nav else []
        self.pages = ["/", *dict.fromkeys(links)]
        if self.account["role"] == "hotline_agent":
            body = json.dumps(
                {"username": self.account["username"], "password": self.account["password"]}
            ).encode()
            code, answer = self.request(
                "/api/v1/auth/token/",
                label="api token",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            if code == 200:
                self.token = json.loads(answer)["token"]
        return status == 200 and 'data-testid="current-user"' in home

    def warm(self) -> None:
        """Keep the pages and APIs this role may read (a refusal is the scoping working)."""
        kept = []
        for path in self.pages + API_PAGES:
            status, _ = self.request(path, label="warm-up")
            if status == 200:
                kept.append(path)
        self.pages = kept or ["/"]

    def intake(self) -> None:
        payload = {
            "text": self.random.choice(INTAKE_TEXTS),
            "caller_phone": f"139{self.random.randrange(10**8):08d}",
            "area_code": self.account["area_code"]
            if len(self.account["area_code"]) >= 6
            else "640104001007",
        }
        # the run's own prefix: a second run on the same database (--no-prepare, --base-url)
        # takes new requests instead of replaying the first run's keys (seeded per user)
        key = f"load-{RUN}-{self.account['username']}-{self.random.randrange(10**9)}"
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Token {self.token}",
            "Idempotency-Key": key,
        }
        self.fetch(
            "/api/v1/hotline/workorders/",
            label="POST intake",
            data=json.dumps(payload).encode(),
            headers=headers,
        )

    def run(self) -> None:
        try:
            if not self.login():
                self.rec.add("login", 0, 0, f"login failed for {self.account['username']}")
                return
            self.warm()
            self.use_cookies()
        finally:
            self.clock.ready.wait()
        while time.monotonic() < self.clock.deadline:
            if self.token and self.random.random() < 0.25:
                self.intake()
            else:
                path = self.random.choice(self.pages)
                self.fetch(path)


def start_server(
    database_url: str, port: int, workers: int, threads: int, prepare: bool, households: int
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    if prepare:
        if database_url.startswith("postgres"):
            ensure_database(database_url)
        subprocess.run(
            [BIN / "lianxin", "demo", "--households", str(households)],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):  # noqa: S310
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def add_server_options(parser: argparse.ArgumentParser, *, port: int, households: int) -> None:
    """The options of the gunicorn a benchmark starts (start_server) on the demo database."""
    parser.add_argument(
        "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-prepare", action="store_true", help="do not run `lianxin demo` first")
    parser.add_argument("--households", type=int, default=households)


def server_from(args: argparse.Namespace) -> subprocess.Popen:
    """start_server with the options of add_server_options."""
    return start_server(
        args.database_url,
        args.port,
        args.workers,
        args.threads,
        not args.no_prepare,
        args.households,
    )


def ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def accounts() -> list[dict]:
    for path in (ROOT / "var" / "demo_accounts.json",):
        if path.exists():
            return [
                a
                for a in json.loads(path.read_text(encoding="utf-8"))["accounts"]
                if a["role"] not in ("system_admin", "security_admin", "audit_admin")
            ]
    raise SystemExit("var/demo_accounts.json not found: run `lianxin demo` (or pass --prepare)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--base-url", default="", help="test a running server instead of starting gunicorn"
    )
    add_server_options(parser, port=8765, households=300)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 unless errors=0, p95<=300ms, p99<=800ms"
    )
    parser.add_argument(
        "--check-errors", action="store_true", help="exit 1 when any request failed"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    server = None
    base = args.base_url.rstrip("/")
    if not base:
        server = server_from(args)
        base = f"http://127.0.0.1:{args.port}"
    try:
        pool = accounts()
        rec = Recorder()
        clock = Clock(args.users, args.seconds)
        users = [User(base, pool[i % len(pool)], clock, rec, seed=i) for i in range(args.users)]
        for user in users:
            user.start()
        clock.deadline = float("inf")  # users re-read it on every request
        clock.ready.wait()  # all signed in and warmed up: the measured period starts now
        started = time.monotonic()
        clock.deadline = started + args.seconds
        for user in users:
            user.join(args.seconds + 120)
        elapsed = time.monotonic() - started
        cpu = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)

    measured = {k: v for k, v in rec.latency.items() if k not in ("warm-up", "login", "api token")}
    values = [x for v in measured.values() for x in v]
    figures = {
        "users": args.users,
        "seconds": args.seconds,
        "database": "postgresql"
        if (args.database_url.startswith("postgres") and not args.base_url)
        else ("sqlite" if not args.base_url else "external"),
        "requests": len(values),
        "requests_per_second": round(len(values) / elapsed, 1) if elapsed else 0,
        "errors": len(rec.errors),
        "p50_ms": round(statistics.median(values) * 1000, 1) if values else 0,
        "p95_ms": round(percentile(values, 95) * 1000, 1),
        "p99_ms": round(percentile(values, 99) * 1000, 1),
        "status": dict(sorted(rec.status.items())),
        "intakes": len(rec.latency.get("POST intake", [])),
        "load_generator_cpu_seconds": round(cpu.ru_utime + cpu.ru_stime, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pages": {
            k: {"n": len(v), "p95_ms": round(percentile(v, 95) * 1000, 1)}
            for k, v in sorted(measured.items())
        },
    }
    print(
        f"load test: {figures['users']} users × {figures['seconds']:.0f} s on {figures['database']}"
    )
    print(
        f"requests {figures['requests']} ({figures['requests_per_second']}/s), intakes {figures['intakes']}, errors {figures['errors']}"
    )
    print(f"p50 {figures['p50_ms']} ms   p95 {figures['p95_ms']} ms   p99 {figures['p99_ms']} ms")
    print(f"status codes {figures['status']}")
    print(
        f"load generator CPU {figures['load_generator_cpu_seconds']} s (sign-in included), "
        f"load average at the end {figures['load_average']}"
    )
    slowest = sorted(figures["pages"].items(), key=lambda kv: -kv[1]["p95_ms"])[:8]
    for page, info in slowest:
        print(f"  {info['p95_ms']:>8} ms p95  {info['n']:>5}×  {page}")
    for error in rec.errors[:20]:
        print("  error:", error)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.check and (
        figures["errors"] or figures["p95_ms"] > 300 or figures["p99_ms"] > 800 or not values
    ):
        print("REL-01 NOT MET (errors 0, p95 <= 300 ms, p99 <= 800 ms)")
        return 1
    if args.check_errors and (figures["errors"] or not values):
        print("REL-01 NOT MET: errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
