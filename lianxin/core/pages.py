"""Page helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .errors import ApplicationError
from .workflow import Workflow

Perform = Callable[[HttpRequest, Workflow, Any, str], Any]


def _own_pk(obj: Any) -> Any:
    return obj.pk


def action_page(
    name: str,
    get: Callable[..., Any],
    workflow: Workflow,
    perform: Perform,
    back: str,
    *,
    back_pk: Callable[[Any], Any] | None = _own_pk,
    action: str = "",
    module: str = "",
) -> Callable[..., HttpResponse]:
    """A signed-in POST that takes one transition of ``workflow`` on the object ``get`` finds
    for the user (a selector ``get(user=, pk=)``, which refuses what the user may not see), through
    the app's ``perform`` (its messages), then goes back to the page ``back`` (of the object's
    ``back_pk``; None: a page without one). ``action`` is the transition when the URL names
    none. ``name`` is the view's name (the URL's, see core.routes.page); ``module`` its app's
    views module (default: the module of ``perform``)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, action: str = action) -> HttpResponse:
        obj = get(user=request.user, pk=pk)
        perform(request, workflow, obj, action)
        return redirect(back, pk=back_pk(obj)) if back_pk is not None else redirect(back)

    # the page belongs to the app whose ``perform`` it runs (its views module)
    view.__name__ = view.__qualname__ = name
    view.__module__ = module or perform.__module__
    return view


def attempt(request: HttpRequest, call: Callable[[], Any], done: str = "") -> bool:
    """A page's service call: a refusal (an ApplicationError) becomes the page's error message,
    success its ``done`` message. Whether it succeeded."""
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    if done:
        messages.success(request, done)
    return True


def attempt_form(
    request: HttpRequest,
    form: Form,
    invalid: str,
    call: Callable[[dict[str, Any]], Any],
    done: str = "",
) -> bool:
    """A page's POST form and its service call: an invalid form becomes the page's error message
    ``invalid``; a valid one runs ``call(form.cleaned_data)`` through :func:`attempt`. Whether it
    succeeded."""
    if not form.is_valid():
        messages.error(request, invalid)
        return False
    return attempt(request, lambda: call(form.cleaned_data), done)


def told(done: str | None = None) -> Perform:
    """A ``perform`` for :func:`action_page` that tells the outcome: ``done`` (None: "已<label>",
    "" nothing) or the refusal."""

    def perform(request: HttpRequest, workflow: Workflow, obj: Any, action: str) -> Any:
        outcome = workflow.perform(request, obj, action)
        if not outcome.ok:
            messages.error(request, outcome.error)
        elif done is None:
            messages.success(request, f"已{workflow.transition(action).label}")
        elif done:
            messages.success(request, done)
        return outcome.result

    return perform
