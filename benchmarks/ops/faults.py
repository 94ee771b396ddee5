"""Fault drill (issue #15): PostgreSQL restarts while the web serves and takes writes.

Starts gunicorn on the load-test database (benchmarks/security/loadtest.py prepares it), keeps
requesting a database-backed page (the citizens' progress lookup) and /readyz, and a hotline
agent keeps taking work orders through the API (each with its own Idempotency-Key), while
PostgreSQL restarts (pg_ctlcluster / service). Reports: answers during the outage (pages: 503 in
Chinese, never a trace or a 500; /readyz: a 503 JSON), the seconds from PostgreSQL accepting
connections again to the first 200 (target ≤ 10 s), and the writes: every acknowledged order
(201) is in the database afterwards, and every unacknowledged one, sent again with its key after
the outage, exists exactly once.

    .venv/bin/python benchmarks/ops/faults.py --database-url postgres://postgres@127.0.0.1:5432/lianxin_load

Needs root (to restart PostgreSQL) and a local PostgreSQL cluster; run it on a machine you own."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
from loadtest import CSRF, start_server  # noqa: E402


def restart_postgres() -> list[str]:
    if shutil.which("pg_ctlcluster"):
        versions = subprocess.run(
            ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
        )
        version, name = versions.stdout.split()[:2]
        cmd = ["pg_ctlcluster", version, name, "restart"]
    else:
        cmd = ["service", "postgresql", "restart"]
    subprocess.run(cmd, check=True)
    return cmd


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


def agent_token(base: str) -> str:
    accounts = json.loads((ROOT / "var" / "demo_accounts.json").read_text(encoding="utf-8"))
    agent = next(a for a in accounts["accounts"] if a["role"] == "hotline_agent")
    body = json.dumps({"username": agent["username"], "password": agent["password"]}).encode()
    request = urllib.request.Request(
        base + "/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
        return json.loads(r.read())["token"]


def staff_session(base: str) -> urllib.request.OpenerDirector:
    """A grid worker logged in (cookies kept), for a page that reads the database."""
    accounts = json.loads((ROOT / "var" / "demo_accounts.json").read_text(encoding="utf-8"))
    worker = next(a for a in accounts["accounts"] if a["role"] == "grid_worker")
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(base + "/accounts/login/", timeout=30) as r:
        token = CSRF.search(r.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {
            "username": worker["username"],
            "password": worker["password"],
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    with opener.open(base + "/accounts/login/", data=form, timeout=30) as r:
        r.read()
    return opener


def intake(base: str, token: str, key: str) -> tuple[int, int | None]:
    payload = {
        "text": "小区路灯不亮，晚上出行不便",
        "caller_phone": "13900000000",
        "area_code": "640104001007",
    }
    request = urllib.request.Request(
        base + "/api/v1/hotline/workorders/",
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Token {token}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
            return r.status, json.loads(r.read()).get("id")
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None


def check_writes(url: str, acknowledged: list[int], keys: list[str]) -> tuple[int, int]:
    """Acknowledged orders missing from the database; idempotency keys applied more than once."""
    import psycopg

    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM hotline_workorder WHERE id = ANY(%s)", [acknowledged]
        ).fetchone()[0]
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'hotline_workorder'"
            )
        }
        duplicated = 0
        if "idempotency_key" in columns:
            duplicated = conn.execute(
                "SELECT count(*) FROM (SELECT idempotency_key FROM hotline_workorder "
                "WHERE idempotency_key = ANY(%s) GROUP BY idempotency_key HAVING count(*) > 1) d",
                [keys],
            ).fetchone()[0]
    return len(acknowledged) - found, duplicated


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/lianxin_load")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--no-prepare", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    server = start_server(args.database_url, args.port, 2, 4, not args.no_prepare, 50)
    base = f"http://127.0.0.1:{args.port}"
    log: list[tuple[float, str, int, bool]] = []
    stop = threading.Event()

    opener = staff_session(base)

    def poll(path: str) -> None:
        while not stop.is_set():
            try:
                with opener.open(base + path, timeout=5) as r:
                    log.append((time.time(), path, r.status, True))
            except urllib.error.HTTPError as e:
                body = e.read().decode("utf-8", "replace")
                log.append((time.time(), path, e.code, "暂时" in body or "不可用" in body))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                log.append((time.time(), path, 0, False))
            time.sleep(0.2)

    token = agent_token(base)
    writes: list[tuple[str, int, int | None]] = []  # (key, status, order id)

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            key = f"fault-{int(started_at)}-{n}"
            writes.append((key, *intake(base, token, key)))
            time.sleep(0.1)

    started_at = time.time()
    threads = [
        threading.Thread(target=poll, args=(p,))
        for p in ("/", "/readyz")  # a grid worker's work page reads the database
    ]
    threads.append(threading.Thread(target=write))
    for t in threads:
        t.start()
    retried: list[tuple[str, int, int | None]] = []
    try:
        time.sleep(3)
        started = time.time()
        cmd = restart_postgres()
        give_up = time.monotonic() + 120
        while not pg_ready():
            if time.monotonic() > give_up:
                raise SystemExit("PostgreSQL did not come back within 120 s")
            time.sleep(0.1)
        back = time.time()
        time.sleep(15)
        stop.set()
        for t in threads:
            t.join()
        # Unacknowledged writes are sent again with their key, as a client retries after an outage.
        retried = [(key, *intake(base, token, key)) for key, s, _ in writes if s != 201]
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    during = [e for e in log if e[0] >= started]
    first_ok = next((e[0] for e in during if e[0] >= back and e[2] == 200), None)
    statuses = Counter(f"{p} {s}" for _, p, s, _ in during)
    bad = [
        e
        for e in during
        if e[2] not in (200, 503) or (e[2] == 503 and not e[3] and e[1] != "/readyz")
    ]
    acknowledged = [oid for _, s, oid in writes if s == 201 and oid]
    lost, duplicated = check_writes(args.database_url, acknowledged, [k for k, _, _ in writes])
    figures = {
        "restart": " ".join(cmd),
        "outage_seconds": round(back - started, 2),
        "recovered_after_seconds": round(first_ok - back, 2) if first_ok else None,
        "answers": dict(statuses),
        "bad_answers": len(bad),
        "writes_sent": len(writes),
        "writes_acknowledged": len(acknowledged),
        "writes_retried": len(retried),
        "retries_acknowledged": sum(1 for _, s, _ in retried if s in (200, 201)),
        "acknowledged_lost": lost,
        "keys_applied_more_than_once": duplicated,
        "write_statuses": dict(Counter(s for _, s, _ in writes)),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    ok = (
        not bad
        and first_ok is not None
        and first_ok - back <= 10
        and lost == 0
        and duplicated == 0
        and all(s in (200, 201) for _, s, _ in retried)
    )
    print("FAULT DRILL PASSED" if ok else "FAULT DRILL FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
