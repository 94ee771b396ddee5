"""PII-03: a dump of the database holds no plaintext ID or phone number (pg_dump on PostgreSQL,
the file's bytes on SQLite), and search by ID uses the keyed hash. SUP-01: every page answers
with a Content-Security-Policy that names no third-party origin."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from lianxin.core import idnumber
from lianxin.core.roles import Role
from tests.access.registry import all_routes
from tests.security.bodies import url_for
from tests.security.seed import record_figure, registry_ready, seed_all

ROUTES = all_routes()


def _assert_no_plaintext(data: bytes, secrets: list[str]) -> None:
    found = [s[:3] + "…" for s in secrets if s.encode() in data]
    assert found == [], f"plaintext numbers in the dump: {found}"


@pytest.mark.django_db(transaction=True)
def test_database_dump_has_no_plaintext_numbers(world):
    seed = seed_all(world)
    if not seed.secrets():
        pytest.skip("no app with ID/phone numbers installed")
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.skip("pg_dump not installed")
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        dump = subprocess.run(
            [
                pg_dump,
                "-h",
                settings.get("HOST") or "127.0.0.1",
                "-p",
                str(settings.get("PORT") or 5432),
                "-U",
                settings.get("USER") or "postgres",
                "--data-only",
                settings["NAME"],
            ],
            capture_output=True,
            env=env,
            check=True,
            timeout=300,
        ).stdout
        record_figure("dump_bytes_postgresql", len(dump))
    else:
        # Back the database up through SQLite itself: the file alone misses what is still in
        # its write-ahead log, and a test database may live in memory.
        import sqlite3

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "dump.sqlite3"
            out = sqlite3.connect(target)
            connection.ensure_connection()
            connection.connection.backup(out)
            out.close()
            dump = target.read_bytes()
        record_figure("dump_bytes_sqlite", len(dump))
    assert len(dump) > 10_000
    _assert_no_plaintext(dump, seed.secrets())
    # The keyed hash is there, and it is not a plain (unkeyed) hash of the number.
    number = seed.people[0].id_number
    assert idnumber.search_hash(number).encode() in dump
    import hashlib

    assert hashlib.sha256(number.encode()).hexdigest().encode() not in dump


@pytest.mark.skipif(not registry_ready(), reason="registry not installed")
def test_search_by_id_uses_the_keyed_hash(world):
    from lianxin.registry import selectors

    seed = seed_all(world)
    person = next(p for p in seed.people if p.site == "b")
    user = world.user(Role.COMMUNITY_STAFF, "b")
    found = list(selectors.person_find(user=user, id_number=person.id_number))
    assert [p.pk for p in found] == [person.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert person.id_number not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


CSP_DIRECTIVE = re.compile(r"([a-z-]+)\s+([^;]+)")


def _third_party_sources(policy: str) -> list[str]:
    bad = []
    for directive, sources in CSP_DIRECTIVE.findall(policy):
        for source in sources.split():
            if source.startswith("'") or source in ("data:", "blob:"):
                continue
            bad.append(f"{directive} {source}")
    return bad


def test_every_page_has_a_csp_without_third_party_origins(world, client):
    seed_all(world)
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    pages = 0
    problems = []
    for name, spec in sorted(ROUTES.items()):
        if "get" not in spec.methods:
            continue
        response = client.get(url_for(name, spec, world))
        policy = response.get("Content-Security-Policy", "")
        pages += 1
        if not policy:
            problems.append(f"{name}: no Content-Security-Policy")
            continue
        if "default-src 'self'" not in policy or "frame-ancestors 'none'" not in policy:
            problems.append(f"{name}: weak policy {policy}")
        problems.extend(f"{name}: {source}" for source in _third_party_sources(policy))
        scripts = policy.split("script-src")[1].split(";")[0] if "script-src" in policy else ""
        if "'unsafe-inline'" in scripts and not response.request["PATH_INFO"].startswith(
            "/api/docs"
        ):
            problems.append(f"{name}: inline scripts allowed")
    record_figure("csp_pages", pages)
    assert problems == []


def test_the_csp_check_catches_a_cdn():
    assert _third_party_sources(
        "default-src 'self'; script-src 'self' https://cdn.example.com"
    ) == ["script-src https://cdn.example.com"]
