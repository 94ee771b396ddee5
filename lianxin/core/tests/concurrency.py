"""Threads released together, for the tests (and benchmarks) of what must hold under concurrency:
each thread closes its database connections when done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from lianxin.core.errors import ApplicationError


def at_once(work: Callable[[int], Any], n: int) -> list[Any]:
    """``work(0)`` … ``work(n - 1)``, each in its own thread, all released by one barrier: what
    each returned, or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 -- handed back to the caller
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def race(
    work: Callable[[int], Any],
    n: int,
    *,
    ok: Any = "ok",
    refused: Callable[[ApplicationError], Any] = lambda exc: exc.code,
    locked: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> list[Any]:
    """:func:`at_once`, each outcome told: ``ok`` (a function of the returned value, or a constant)
    for a success, ``refused(exc)`` for an ApplicationError, ``"locked"`` for the ``locked``
    exceptions; any other exception is raised."""
    told = []
    for result in at_once(work, n):
        if isinstance(result, ApplicationError):
            told.append(refused(result))
        elif isinstance(result, locked):
            told.append("locked")
        elif isinstance(result, BaseException):
            raise result
        else:
            told.append(ok(result) if callable(ok) else ok)
    return told
