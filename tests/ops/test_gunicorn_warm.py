"""gunicorn.conf.py warms each worker (issue #15, load test): the URL configuration and the
hotline router are built in a background thread of the worker, not by its first intake."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _conf():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_worker_init_builds_the_router_in_the_background(db, monkeypatch):
    from lianxin.hotline import selectors

    monkeypatch.setattr(selectors, "_router_cache", {})
    conf = _conf()
    conf.post_worker_init(worker=None)
    warmers = [t for t in threading.enumerate() if t.name == "lianxin-warm"]
    assert warmers
    for thread in warmers:
        thread.join(timeout=300)
    assert "router" in selectors._router_cache
