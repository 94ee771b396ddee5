from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# the cache outlives each test's rolled-back data (same user ids): the home panels are counted
# afresh in tests, except in the tests of the keeping itself (tests/ops/test_home_panels_cache.py)
LIANXIN_HOME_PANELS_SECONDS = 0
# audit rows linked inline after each commit (the background chainer's own tests turn it on:
# tests/security/test_audit_links.py)
AUDIT_CHAIN_DELAY_SECONDS = 0.0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_ACCOUNTS_PATH = VAR_DIR / "test_demo_accounts.json"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The suite runs on a database file, as `make run` does, not on Django's shared-cache
    # in-memory default: shared cache answers "database table is locked" at once instead of
    # waiting for the lock, so 50 threads racing for one task could all fail and none win.
    # /dev/shm keeps the file in memory; the process id keeps parallel runs apart.
    import os as _os
    from pathlib import Path as _Path

    # Synthetic test data only, in a per-process file.
    _shm = _Path("/dev/shm")  # noqa: S108  # nosec B108
    _dir = _shm if _shm.is_dir() else VAR_DIR  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_dir / f"lianxin-test-{_os.getpid()}.sqlite3")
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The suite's own database: a commit need not wait for the disk (tests that commit —
    # live-server pages, thread races — return sooner; nothing here survives a crash anyway).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
