"""gunicorn's settings file, read from the working directory by every gunicorn started here
(`lianxin serve`, the load test, the deployment's units): each worker, once started, warms in
the background what the first requests would otherwise wait for (issue #15, load test):

- the URL configuration, i.e. importing every app's views (seconds on a small machine);
- the hotline router (its model and the duty list): without it the first intake a worker takes
  waits for the model to load (measured 17–22 s on a loaded 2-core machine).

A thread of the worker, after the fork (a thread of the master would not survive the fork and
could leave an import lock held); requests are served meanwhile."""

from __future__ import annotations

import logging
import threading
from typing import Any


def warm() -> None:
    from django.db import connection

    try:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 (imports the views)
        from lianxin.hotline.selectors import _router

        _router()
    except Exception:  # a warm-up never stops a worker; the request path builds what failed
        logging.getLogger("lianxin.warm").exception("warm-up failed")
    finally:
        connection.close()


def post_worker_init(worker: Any) -> None:
    threading.Thread(target=warm, name="lianxin-warm", daemon=True).start()
