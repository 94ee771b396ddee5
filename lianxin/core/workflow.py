"""Workflows declared once (ARCHITECTURE.md "Workflows").

A workflow is a status field and its transitions. Each :class:`Transition` names its source
states, its target, who may take it (a predicate over the user and the object), its input form
and the service that does the work. Services check the declaration and change the status through
:meth:`Workflow.advance`; pages and the API dispatch through :meth:`Workflow.run`; templates ask
:meth:`Workflow.available` for the buttons to show. So a button exists exactly when the service
would accept it, and the rules live in one place.

Declare it beside the model (``models.py`` or ``workflows.py`` of the app)::

    WISH_WORKFLOW = Workflow(
        "volunteers.Wish",
        transitions=[
            Transition("publish", "发布", sources=("draft",), target="published",
                       allowed=has_role(Role.COMMUNITY_STAFF), service="lianxin.volunteers.services.wish_publish"),
            Transition("claim", "认领", sources=("published",), target="claimed",
                       allowed=has_role(Role.PARTNER, Role.VOLUNTEER), service=...),
        ],
    )

In the service (one per transition; the service owns the transaction and the audit row)::

    @transaction.atomic
    def wish_claim(*, actor, obj, note=""):
        wish = WISH_WORKFLOW.advance(obj, "claim", actor=actor, updates={"claimed_by": actor})
        audit.record(actor=actor, action="volunteers.wish.claim", target=wish)
        return wish

``advance`` is one conditional ``UPDATE … WHERE pk = … AND status IN (sources)``: of fifty
concurrent claims exactly one changes a row, on SQLite and PostgreSQL alike; the others get
:class:`InvalidTransition` with a Chinese message.

In a view::

    result = WISH_WORKFLOW.perform(request, obj, name)   # validates the form, runs the service
    if result.ok: return redirect(...)
    # else: result.form carries the field errors, result.error the refusal message

In a template: ``{% load workflow %}{% workflow_actions WISH_WORKFLOW wish request.user as actions %}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

from .errors import AccessDenied, ApplicationError, InvalidTransition
from .scoping import scope_of

Predicate = Callable[[Any, Any], bool]


def anyone(user: Any, obj: Any) -> bool:
    """Every signed-in user who can see the object (scoping already decided that)."""
    return bool(getattr(user, "is_authenticated", False))


def has_role(*roles: str) -> Predicate:
    """The user holds one of the roles (in any of their assignments)."""

    def predicate(user: Any, obj: Any) -> bool:
        return scope_of(user).has_role(*roles)

    predicate.__name__ = f"has_role({', '.join(roles)})"
    return predicate


def all_of(*predicates: Predicate) -> Predicate:
    def predicate(user: Any, obj: Any) -> bool:
        return all(p(user, obj) for p in predicates)

    return predicate


def any_of(*predicates: Predicate) -> Predicate:
    def predicate(user: Any, obj: Any) -> bool:
        return any(p(user, obj) for p in predicates)

    return predicate


def not_same_user(field_name: str) -> Predicate:
    """Maker-checker: the user is not the one recorded in ``field_name`` (a user FK id)."""

    def predicate(user: Any, obj: Any) -> bool:
        maker_id = getattr(obj, f"{field_name}_id", None)
        return maker_id is None or maker_id != getattr(user, "pk", None)

    return predicate


class FormInvalid(ApplicationError):
    """The transition's input did not validate; ``form`` carries the field errors."""

    code = "invalid_input"
    status_code = 400

    def __init__(self, form: forms.Form) -> None:
        super().__init__("请检查填写的内容", extra={"errors": form.errors.get_json_data()})
        self.form = form


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None = None
    allowed: Predicate = anyone
    form: type[forms.Form] | None = None
    service: Callable[..., Any] | str | None = None
    confirm: str = ""
    danger: bool = False
    refusal: str = ""
    # The keyword under which the service receives the object (``person=`` rather than ``obj=``),
    # so an existing service is named directly instead of through a wrapper; None: the
    # workflow's own (Workflow.object_arg).
    object_arg: str | None = None
    # Extra keyword arguments of the form for this user and object (choices that depend on the
    # object, a lookup scoped to the user), so that pages and the API bind it the same way.
    form_kwargs: Callable[[Any, Any], Mapping[str, Any]] | None = None
    # The message a page shows when it succeeded (default: "已<label>").
    success: str = ""

    def resolve_service(self) -> Callable[..., Any] | None:
        if isinstance(self.service, str):
            return import_string(self.service)  # type: ignore[no-any-return]
        return self.service


def transition_maker(
    *, wrap: Callable[[str], Any] | None = None, **common: Any
) -> Callable[..., Transition]:
    """Transitions of one workflow that share their settings (who may, the form, the services'
    module), declared one line each::

        seeker = transition_maker(allowed=seeker_staff, service=SVC + "seeker_{name}")
        seeker("verify", "核实通过", S.SUBMITTED, S.VERIFIED)
        seeker("reject", "核实不通过", S.SUBMITTED, S.REJECTED, form=ReasonForm, danger=True)

    ``sources`` is one state or several; a row's keywords override the shared ones; a service
    path may name the transition (``{name}``); ``wrap`` turns the path into the callable."""

    def make(
        name: str, label: str, sources: str | Iterable[str], target: str | None = None, **row: Any
    ) -> Transition:
        values = {**common, **row}
        service = values.get("service")
        if isinstance(service, str):
            path = service.format(name=name)
            values["service"] = wrap(path) if wrap is not None else path
        states = (sources,) if isinstance(sources, str) else tuple(sources)
        return Transition(name, label, states, target, **values)

    return make


@dataclass
class Outcome:
    ok: bool
    result: Any = None
    form: forms.Form | None = None
    error: str = ""


@dataclass
class Workflow:
    """The transitions of one status field of one model."""

    model_label: str
    transitions: Sequence[Transition]
    field: str = "status"
    labels: Mapping[str, str] = dataclass_field(default_factory=dict)
    #: the keyword under which services receive the object (``obj``; the hotline's ``order``)
    object_arg: str = "obj"

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.model_label}: duplicate transition names")
        self._by_name = {t.name: t for t in self.transitions}

    # -- declaration -------------------------------------------------------------------------

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError as exc:
            raise InvalidTransition("没有这个操作") from exc

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def states(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            for s in (*t.sources, t.target):
                if s is not None:
                    seen.setdefault(s, None)
        return list(seen)

    # -- questions pages and services ask ----------------------------------------------------

    def available(self, user: Any, obj: Any) -> list[Transition]:
        """The transitions this user may take on this object now (the buttons to show)."""
        state = self.state_of(obj)
        return [t for t in self.transitions if state in t.sources and t.allowed(user, obj)]

    def can(self, user: Any, obj: Any, name: str) -> bool:
        try:
            self.check(user, obj, name)
        except ApplicationError:
            return False
        return True

    def check(self, user: Any, obj: Any, name: str) -> Transition:
        """The transition if this user may take it on this object now; else a Chinese refusal."""
        t = self.transition(name)
        state = self.state_of(obj)
        if state not in t.sources:
            label = self.labels.get(state) or _display(obj, self.field) or state
            raise InvalidTransition(t.refusal or f"当前状态（{label}）不能{t.label}")
        if not t.allowed(user, obj):
            raise AccessDenied(f"您不能{t.label}")
        return t

    # -- the one way a status changes --------------------------------------------------------

    def advance(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: Any,
        updates: Mapping[str, Any] | None = None,
        check: bool = True,
    ) -> Any:
        """Move ``obj`` along transition ``name`` atomically and return it refreshed.

        One conditional UPDATE guarded by the source states: concurrent callers cannot both
        succeed. ``updates`` are other fields written in the same statement (e.g. who claimed).
        Call inside the service's ``transaction.atomic``; the service audits."""
        t = self.check(actor, obj, name) if check else self.transition(name)
        values: dict[str, Any] = dict(updates or {})
        if t.target is not None:
            values[self.field] = t.target
        model = type(obj)
        field_names = {f.name for f in model._meta.concrete_fields}
        if "updated_at" in field_names:
            values.setdefault("updated_at", timezone.now())
        if "updated_by" in field_names and getattr(actor, "pk", None) is not None:
            values.setdefault("updated_by", actor)
        if values:
            changed = model._default_manager.filter(
                pk=obj.pk, **{f"{self.field}__in": t.sources}
            ).update(**values)
            if changed != 1:
                raise InvalidTransition(t.refusal or f"操作未完成：记录已被他人处理，不能{t.label}")
        for key, value in values.items():
            setattr(obj, key, value)
        return obj

    # -- dispatch for pages and the API ------------------------------------------------------

    def bind_form(
        self,
        name: str,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        *,
        user: Any = None,
        obj: Any = None,
        **kwargs: Any,
    ) -> forms.Form | None:
        t = self.transition(name)
        if t.form is None:
            return None
        if t.form_kwargs is not None and user is not None:
            kwargs = {**t.form_kwargs(user, obj), **kwargs}
        return t.form(data, files, **kwargs) if data is not None else t.form(**kwargs)

    def run(
        self,
        name: str,
        *,
        actor: Any,
        obj: Any,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        form_kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Check, validate the input, call the transition's service; raise on refusal."""
        t = self.check(actor, obj, name)
        cleaned: dict[str, Any] = {}
        if t.form is not None:
            kwargs = {**(t.form_kwargs(actor, obj) if t.form_kwargs else {}), **(form_kwargs or {})}
            form = t.form(data or {}, files, **kwargs)
            if not form.is_valid():
                raise FormInvalid(form)
            cleaned = dict(form.cleaned_data)
        service = t.resolve_service()
        if service is None:
            return self.advance(obj, name, actor=actor)
        return service(actor=actor, **{t.object_arg or self.object_arg: obj}, **cleaned)

    def run_posted(
        self, request: Any, obj: Any, name: str, *, form_kwargs: Mapping[str, Any] | None = None
    ) -> Any:
        """:meth:`run` by the request's user with its POSTed data and files; raises a refusal."""
        return self.run(
            name,
            actor=request.user,
            obj=obj,
            data=request.POST,
            files=request.FILES,
            form_kwargs=form_kwargs,
        )

    def perform(
        self, request: Any, obj: Any, name: str, *, form_kwargs: Mapping[str, Any] | None = None
    ) -> Outcome:
        """For a view: run the transition with the POSTed data; never raises a domain error."""
        try:
            result = self.run_posted(request, obj, name, form_kwargs=form_kwargs)
        except FormInvalid as exc:
            return Outcome(ok=False, form=exc.form, error=exc.message)
        except ApplicationError as exc:
            return Outcome(ok=False, error=exc.message)
        return Outcome(ok=True, result=result)

    def describe(self) -> list[dict[str, Any]]:
        """The declaration as data (docs, the API's ``actions`` field, tests)."""
        return [
            {"name": t.name, "label": t.label, "sources": list(t.sources), "target": t.target}
            for t in self.transitions
        ]


def _display(obj: Any, field_name: str) -> str:
    getter = getattr(obj, f"get_{field_name}_display", None)
    return str(getter()) if callable(getter) else ""


def actions_payload(workflow: Workflow, user: Any, obj: Any) -> list[dict[str, str]]:
    """The actions available to ``user`` as JSON for API answers."""
    return [{"name": t.name, "label": t.label} for t in workflow.available(user, obj)]


def walk(workflow: Workflow, users: Iterable[Any], objects: Iterable[Any]) -> list[str]:
    """For tests: every (user, object, transition) where the page's answer (``available``) and
    the service's answer (``check``) disagree. Empty when the declaration is the only rule."""
    problems: list[str] = []
    for obj in objects:
        for user in users:
            shown = {t.name for t in workflow.available(user, obj)}
            for t in workflow.transitions:
                accepted = workflow.can(user, obj, t.name)
                if accepted != (t.name in shown):
                    problems.append(f"{user}: {workflow.state_of(obj)} {t.name}")
    return problems


def walk_services(
    workflow: Workflow,
    users: Iterable[Any],
    objects: Iterable[Any],
    data: Mapping[str, Mapping[str, Any]],
) -> list[str]:
    """For tests: like :func:`walk`, but the service itself answers. For every (user, object,
    transition) it binds the transition's form to ``data[name]`` for this user and object and
    calls the service directly (not through :meth:`Workflow.check`) inside a rolled-back
    transaction; the page's answer (``available``) must equal whether the service accepted."""
    from django.db import transaction

    problems: list[str] = []
    for original in objects:
        for user in users:
            model = type(original)
            obj = model._default_manager.get(pk=original.pk)
            shown = {t.name for t in workflow.available(user, obj)}
            for t in workflow.transitions:
                service = t.resolve_service()
                if service is None:
                    continue
                obj = model._default_manager.get(pk=original.pk)
                accepted = False
                try:
                    with transaction.atomic():
                        cleaned: dict[str, Any] = {}
                        form = workflow.bind_form(
                            t.name, dict(data.get(t.name, {})), user=user, obj=obj
                        )
                        if form is not None:
                            if not form.is_valid():
                                raise FormInvalid(form)
                            cleaned = dict(form.cleaned_data)
                        service(actor=user, **{t.object_arg or workflow.object_arg: obj}, **cleaned)
                        accepted = True
                        transaction.set_rollback(True)
                except ApplicationError:
                    accepted = False
                if accepted != (t.name in shown):
                    problems.append(
                        f"{user}: {workflow.state_of(obj)} {t.name} "
                        f"(button {'shown' if t.name in shown else 'hidden'}, "
                        f"service {'accepts' if accepted else 'refuses'})"
                    )
    return problems
