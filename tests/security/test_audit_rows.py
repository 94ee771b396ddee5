"""AUD-01: every write and every view of residents' sensitive data leaves exactly one audit row.

- statically: every public function of every ``services.py`` that writes (save/create/update/
  delete/bulk_create) reaches ``audit.record``/``record_many``/``record_view`` (directly or
  through a helper of the same module), unless listed below with a reason;
- dynamically: every write route of the access registry, called by site-B users with its
  RouteSpec's ``post_data``: a request that changed any table left exactly one audit row, and
  one that changed nothing left none (refusals are not logged as changes);
- every object page/API of a resident record (registry, care) that a user may open leaves
  exactly one audit row (``view.…``), with who, what, when, where from and the result."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from tests.access.registry import all_routes
from tests.security.bodies import url_for, view_module
from tests.security.seed import record_figure, seed_all
from tests.security.snapshot import changed, snapshot

ROOT = Path(__file__).resolve().parents[2]
# servicekit.audited and advance_audited write the audit row for the service that calls them.
AUDIT_CALLS = {"record", "record_many", "record_view", "audited", "advance_audited"}
WRITE_CALLS = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# (file, function) → why it writes without its own audit row.
UNAUDITED_ALLOWED: dict[tuple[str, str], str] = {
    ("lianxin/benefits/services.py", "bump"): (
        "keeps the monthly aggregate of ledger rows, inside the audited booking's transaction"
    ),
    ("lianxin/registry/services.py", "duplicates_detect"): (
        "records candidate pairs as a side effect of an audited registration/import"
    ),
    ("lianxin/hotline/services/ledger.py", "hotspots_refresh"): (
        "recomputes the problem ledger from work orders (a derived table), run by a task"
    ),
    ("lianxin/monitoring/services.py", "run_execute"): (
        "the comparison run itself (a task); its request is audited by run_request"
    ),
    ("lianxin/monitoring/services.py", "reminder_send"): (
        "delivery bookkeeping of a reminder created by an audited alert"
    ),
    ("lianxin/care/services/batches.py", "batch_tally_rebuild"): (
        "recomputes a batch's running totals (derived table) after audited changes"
    ),
    ("lianxin/care/services/batches.py", "case_refresh_priority"): (
        "recomputes a case's sort keys (derived columns) after audited changes, from a task"
    ),
    ("lianxin/hotline/services/open311_keys.py", "open311_key_check"): (
        "stamps last_used_at of an Open311 API key (bookkeeping on every call)"
    ),
    ("lianxin/directory/services.py", "organisations_load"): "reference data loader (demo/setup)",
    ("lianxin/areas/services.py", "divisions_load"): "reference data loader (GB/T 2260 table)",
}
ROUTES = all_routes()
VOLATILE_TABLES = {"core.AuditEvent"}
RESIDENT_APPS = ("lianxin.registry", "lianxin.care")


def _service_files() -> list[Path]:
    return sorted(
        [
            *(ROOT / "lianxin").glob("*/services.py"),
            *(ROOT / "lianxin").glob("*/services/*.py"),  # a services package, split by sub-domain
            *(ROOT / "lianxin").glob("*/imports.py"),
        ]
    )


def _defined(source: str) -> set[str]:
    return {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


def _writers_of(path: Path) -> list[str]:
    """A module's unaudited writers; in a services package the helpers of its sibling modules
    count as the module's own (``_common._event`` audits for every sub-domain)."""
    source = path.read_text(encoding="utf-8")
    if path.parent.name != "services":
        return unaudited_writers(source)
    package = "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.parent.glob("*.py")))
    own = _defined(source)
    return [name for name in unaudited_writers(package) if name in own]


def unaudited_writers(source: str) -> list[str]:
    tree = ast.parse(source)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    def calls(node: ast.AST) -> set[str]:
        names = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                func = sub.func
                names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        return names

    called = {name: calls(node) for name, node in functions.items()}
    audits = {name for name, names in called.items() if names & AUDIT_CALLS}
    while True:  # through helpers of the same module
        more = {n for n, names in called.items() if n not in audits and names & audits}
        if not more:
            break
        audits |= more
    return sorted(
        name
        for name, names in called.items()
        if not name.startswith("_") and names & WRITE_CALLS and name not in audits
    )


KNOWN_UNAUDITED: dict[tuple[str, str], str] = {
    # fixed: registry import_job_confirm now records registry.import.confirm
}


def _unaudited() -> list[tuple[str, str]]:
    found = []
    for path in _service_files():
        relative = str(path.relative_to(ROOT))
        found += [(relative, name) for name in _writers_of(path)]
    return found


def test_every_writing_service_audits():
    problems = [
        f"{file}: {name} writes without an audit row"
        for file, name in _unaudited()
        if (file, name) not in UNAUDITED_ALLOWED and (file, name) not in KNOWN_UNAUDITED
    ]
    record_figure("aud01_service_modules", len(_service_files()))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=r))
        for k, r in KNOWN_UNAUDITED.items()
    ],
)
def test_known_unaudited_writers_are_fixed(key):
    if not (ROOT / key[0]).exists():
        raise AssertionError("file gone")  # keeps the strict xfail meaningful
    assert key not in _unaudited()


def test_the_static_check_catches_a_silent_write():
    source = """
def _event(actor): audit.record(actor=actor, action="x")
def good(*, actor, obj):
    obj.save()
    _event(actor)
def bad(*, actor, obj):
    obj.save()
def reads(*, actor):
    return Thing.objects.filter(x=1)
"""
    assert unaudited_writers(source) == ["bad"]


WRITE_ROUTES = sorted(
    n for n, s in ROUTES.items() if set(s.methods) & {"post", "put", "patch"} and not s.public
)
WRITERS = [
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    Role.HOTLINE_AGENT,
    Role.UNIT_STAFF,
    Role.TOWNSHIP_STAFF,
]


KNOWN_WRITE_FINDINGS: dict[str, str] = {
    # fixed: registry:import_confirm records registry.import.confirm (and a failed run
    # records registry.import.fail)
}


def _known(names, findings):
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=findings[n]))
        if n in findings
        else n
        for n in names
    ] or ["<none>"]


@pytest.mark.parametrize("name", _known(WRITE_ROUTES, KNOWN_WRITE_FINDINGS))
def test_a_write_through_a_route_leaves_exactly_one_audit_row(name, world, client):
    if name == "<none>":
        return
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    data = spec.post_data(world) if spec.post_data else {}
    problems = []
    for role in WRITERS:
        client.force_login(world.user(role, "b"))
        for method in set(spec.methods) & {"post", "put", "patch"}:
            before, audit_before = snapshot(), AuditEvent.objects.count()
            if url.startswith("/api/"):
                response = getattr(client, method)(
                    url, data=json.dumps(data), content_type="application/json"
                )
            else:
                response = client.post(url, data=data)
            tables = [
                t
                for t in changed(before, snapshot())
                if t not in VOLATILE_TABLES and not t.startswith("django_tasks")
            ]
            rows = AuditEvent.objects.count() - audit_before
            # One row per action; an action that changes several entities (a case moving on and
            # its follow-up recorded) may write one row per entity, never more.
            if tables and not 1 <= rows <= len(tables):
                problems.append(f"{name} as {role}: changed {tables}, {rows} audit rows")
            if not tables and rows > 1:
                problems.append(f"{name} as {role}: nothing changed, {rows} audit rows")
            if rows:
                last = AuditEvent.objects.order_by("-id").first()
                if not (last.actor_name and last.action and last.occurred_at and last.result):
                    problems.append(f"{name}: audit row lacks who/what/when/result")
            assert response.status_code < 500, (name, role, response.status_code)
        client.logout()
    assert problems == [], "\n".join(problems)


OBJECT_PAGES = sorted(n for n, s in ROUTES.items() if s.object_route and "get" in s.methods)
VIEWERS = [Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.TOWNSHIP_STAFF]
# Object pages of the resident apps that show no resident's sensitive fields.
NOT_SENSITIVE_VIEWS = {
    "api:care_batch_progress": "a batch's running totals (counts per township), no resident",
    "care:batch_detail": "a batch's running totals (counts per township), no resident",
    "care:meeting_detail": "a joint meeting: agenda of measures and units, minutes",
    "registry:import_detail": "an upload's progress and counts",
    "registry:import_status": "an upload's progress (htmx fragment)",
    "registry:import_report": "an upload's row-level report (ID numbers masked by mask_for_report)",
    "registry:member_add": "the empty form to add a member",
}
KNOWN_VIEW_FINDINGS: dict[str, str] = {
    # fixed: api:care_case_detail and care:investigate now call audit.record_view
}


@pytest.mark.parametrize(
    "name", _known([n for n in OBJECT_PAGES if n not in NOT_SENSITIVE_VIEWS], KNOWN_VIEW_FINDINGS)
)
def test_viewing_a_resident_record_leaves_exactly_one_audit_row(name, world, client):
    if name == "<none>":
        return
    seed_all(world)
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    if not view_module(url).startswith(RESIDENT_APPS):
        pytest.skip("not a resident record")
    opened = 0
    for role in VIEWERS:
        client.force_login(world.user(role, "b"))
        before = AuditEvent.objects.count()
        response = client.get(url)
        if response.status_code == 200:
            opened += 1
            assert AuditEvent.objects.count() - before == 1, (name, role)
            event = AuditEvent.objects.order_by("-id").first()
            assert (
                event.action.startswith("view.")
                or ".view" in event.action
                or "view" in event.action
            ), event.action
            assert event.ip == "127.0.0.1"
        client.logout()
    if opened == 0:
        pytest.skip("no viewer role opens it")
