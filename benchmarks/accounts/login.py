"""Why a login takes the time it takes (issue #12): password hashing, django-axes, the session
write and the rest of the request, each measured apart, then the whole POST /accounts/login/.

    .venv/bin/python benchmarks/accounts/login.py [--tries 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_bench .venv/bin/python \\
        benchmarks/accounts/login.py

Runs on a fresh throw-away database (a temporary SQLite file unless DATABASE_URL is given; that
database is migrated in place). Prints the machine size and median/p90 times in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("LIANXIN_VAR_DIR", tempfile.mkdtemp(prefix="lianxin-login-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from benchmarks._common import timed  # noqa: E402

PASSWORD = "Lianxin-bench-2026"


def show(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"  {label:<52} median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms")


def hashers(tries: int) -> None:
    print("Password hashers (check_password of one stored hash):")
    for dotted in (
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "lianxin.accounts.hashers.LianxinArgon2PasswordHasher",
    ):
        try:
            with override_settings(PASSWORD_HASHERS=[dotted]):
                hasher = get_hasher("default")
                encoded = make_password(PASSWORD)
                show(
                    f"check {hasher.algorithm} {_params(hasher)}",
                    timed(lambda e=encoded: check_password(PASSWORD, e), tries),
                )
        except (ImportError, ValueError) as exc:
            print(f"  {dotted}: not available ({exc})")


def _params(hasher: object) -> str:
    if hasattr(hasher, "iterations"):
        return f"({hasher.iterations} iterations)"
    if hasattr(hasher, "time_cost"):
        return f"(t={hasher.time_cost}, m={hasher.memory_cost} KiB, p={hasher.parallelism})"
    return ""


def logins(tries: int) -> None:
    from lianxin.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-login", defaults={"display_name": "测"})

    def one_login(client: Client) -> None:
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302, response.status_code
        client.logout()

    print("Whole login POST (axes check + authenticate + session write + redirect):")
    for label, hashers_setting in (
        ("configured hashers " + settings.PASSWORD_HASHERS[0].rsplit(".", 1)[1], None),
        ("PBKDF2 (Django 5.2 default)", ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]),
        ("MD5, i.e. everything but hashing", ["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        ctx = override_settings(PASSWORD_HASHERS=hashers_setting) if hashers_setting else None
        if ctx:
            ctx.enable()
        try:
            user.set_password(PASSWORD)
            user.save()
            client = Client()
            one_login(client)  # warm-up
            show(label, timed(lambda c=client: one_login(c), tries))
        finally:
            if ctx:
                ctx.disable()

    from axes.handlers.proxy import AxesProxyHandler
    from django.http import HttpRequest

    request = HttpRequest()
    request.method = "POST"
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    request.axes_ip_address = "127.0.0.1"  # type: ignore[attr-defined]
    request.axes_user_agent = ""  # type: ignore[attr-defined]
    request.axes_path_info = "/accounts/login/"  # type: ignore[attr-defined]
    request.axes_http_accept = ""  # type: ignore[attr-defined]
    request.axes_attempt_time = django.utils.timezone.now()  # type: ignore[attr-defined]
    request.axes_locked_out = False  # type: ignore[attr-defined]
    request.axes_credentials = {"username": user.username}  # type: ignore[attr-defined]
    print("Parts:")
    show(
        "axes is_allowed (lockout lookup)",
        timed(lambda: AxesProxyHandler.is_allowed(request, {"username": user.username}), tries),
    )
    from django.contrib.sessions.backends.db import SessionStore

    def session_write() -> None:
        s = SessionStore()
        s["_auth_user_id"] = str(user.pk)
        s.save()

    show("session write (db backend)", timed(session_write, tries))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=15)
    args = parser.parse_args()
    print(
        f"Machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]}")
    print(f"Configured PASSWORD_HASHERS[0]: {settings.PASSWORD_HASHERS[0]}")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the home-panel cache a login clears
    hashers(args.tries)
    logins(args.tries)
