"""SEC-01/02 lint: in views, API modules and exports, a query on a scoped model (one whose
QuerySet subclasses ``core.scoping.ScopedQuerySet``) must go through ``.for_user(`` (anywhere in
its chain) or ``get_for_user_or_404(...)``, or be listed below with a reason. Reads for pages and
answers belong in selectors; an unscoped ``Model.objects`` in a view is how rows of another area
leak. The set of scoped models and of files is computed, so new apps are covered."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from lianxin.core.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parents[2]
SCOPE_CALLS = {"for_user", "get_for_user_or_404"}

# Models whose every field is public (see lianxin/core/sensitivity.py): scoping them serves
# navigation, not confidentiality.
PUBLIC_MODELS = {"Division": "区划名称与代码为公开信息（sensitivity: public）"}

# (file, enclosing function, model) → why the query may be unscoped.
HOUSEHOLD_CHILDREN = (
    "children of the households the caller scoped (views.household_export passes "
    "selectors.household_list(user=…)), filtered by their ids"
)
PERSON_CHILDREN = (
    "children of the persons the caller scoped (views.key_person_export passes "
    "selectors.key_persons(user=…)), filtered by their ids"
)
ALLOWED: dict[tuple[str, str, str], str] = {
    ("lianxin/hotline/views.py", "_proposal_context", "Organisation"): (
        "the router's proposed units looked up by code to show their names; unit names are public"
    ),
    ("lianxin/hotline/views.py", "_order_context", "Organisation"): (
        "dispatch options: handling units of the order's own division chain, names only; the "
        "order itself comes from get_for_user_or_404"
    ),
    ("lianxin/resources/views.py", "points_merchants", "Partner"): (
        "Partner.objects.none(): an empty list for a user without an area; the merchants "
        "themselves come from selectors.points_merchants for the user's own city"
    ),
    ("lianxin/hotline/views.py", "public_track", "WorkOrder"): (
        "citizen progress lookup by an unguessable tracking code (NX+date+6 random of 32 "
        "characters), rate-limited per IP; shows status, unit and reply, no caller data"
    ),
    ("lianxin/hotline/views.py", "public_rate", "WorkOrder"): (
        "citizen rating by the same tracking code, rate-limited, POST only"
    ),
    ("lianxin/benefits/exports.py", "ledger_rows", "Person"): (
        "the persons of the ledger entries the caller scoped (views pass selectors.ledger_list(user=…) "
        "or the service a county's entries), by their ids, for the name and the masked ID number"
    ),
    ("lianxin/registry/exports.py", "household_ledger_rows", "Membership"): HOUSEHOLD_CHILDREN,
    (
        "lianxin/registry/exports.py",
        "household_ledger_rows",
        "VulnerabilityTag",
    ): HOUSEHOLD_CHILDREN,
    ("lianxin/registry/exports.py", "household_ledger_rows", "Disability"): HOUSEHOLD_CHILDREN,
    (
        "lianxin/registry/exports.py",
        "household_ledger_rows",
        "AssistanceStatus",
    ): HOUSEHOLD_CHILDREN,
    ("lianxin/registry/exports.py", "key_person_rows", "VulnerabilityTag"): PERSON_CHILDREN,
    ("lianxin/registry/exports.py", "key_person_rows", "Membership"): PERSON_CHILDREN,
}


def scoped_models() -> dict[str, str]:
    """Class name → label of every model whose default QuerySet is scoped."""
    found = {}
    for model in apps.get_models():
        queryset = model._default_manager.get_queryset()
        if isinstance(queryset, ScopedQuerySet):
            found[model.__name__] = model._meta.label
    return found


def checked_files() -> list[Path]:
    files = []
    for app in sorted((ROOT / "lianxin").iterdir()):
        if not app.is_dir():
            continue
        for pattern in (
            "views.py",
            "views/*.py",
            "api.py",
            "api/*.py",
            "export*.py",
            "exports/*.py",
        ):
            files.extend(p for p in app.glob(pattern) if "tests" not in p.parts)
    return sorted(set(files))


class _Finder(ast.NodeVisitor):
    def __init__(self, models: dict[str, str]) -> None:
        self.models = models
        self.parents: dict[ast.AST, ast.AST] = {}
        self.functions: list[str] = []
        self.hits: list[tuple[int, str, str]] = []

    def visit(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.parents[child] = node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.functions.append(node.name)
            self.generic_visit(node)
            self.functions.pop()
            return
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in self.models
            and not self._scoped(node)
        ):
            self.hits.append((node.lineno, ".".join(self.functions) or "<module>", node.value.id))
        self.generic_visit(node)

    def _scoped(self, node: ast.AST) -> bool:
        """Walk up the method chain: ``.for_user(`` anywhere, or passed to a scoping call."""
        current = node
        while True:
            parent = self.parents.get(current)
            if parent is None:
                return False
            if isinstance(parent, ast.Attribute):
                if parent.attr in SCOPE_CALLS:
                    return True
            elif isinstance(parent, ast.Call):
                if current is not parent.func:
                    func = parent.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    return name in SCOPE_CALLS
            else:
                return False
            current = parent


def find_unscoped(source: str, models: dict[str, str]) -> list[tuple[int, str, str]]:
    finder = _Finder(models)
    finder.visit(ast.parse(source))
    return finder.hits


def test_views_api_and_exports_scope_their_queries():
    models = scoped_models()
    problems = []
    for path in checked_files():
        relative = str(path.relative_to(ROOT))
        for line, function, model in find_unscoped(path.read_text(encoding="utf-8"), models):
            if model in PUBLIC_MODELS or (relative, function, model) in ALLOWED:
                continue
            problems.append(f"{relative}:{line} {function}: {model}.objects without .for_user(")
    assert problems == [], "unscoped queries on scoped models:\n" + "\n".join(problems)


def test_the_lint_sees_scoped_models_and_files():
    models = scoped_models()
    assert {"Grid", "Organisation"} <= set(models)
    assert any(p.name == "views.py" for p in checked_files())


def test_allow_list_entries_still_exist():
    """An allow-list entry for code that is gone must be removed."""
    models = scoped_models()
    present = set()
    for path in checked_files():
        relative = str(path.relative_to(ROOT))
        for _, function, model in find_unscoped(path.read_text(encoding="utf-8"), models):
            present.add((relative, function, model))
    expected = {key for key in ALLOWED if (ROOT / key[0]).exists()}  # apps still landing
    assert sorted(expected - present) == []


def test_the_lint_catches_and_allows_the_right_forms():
    models = {"Household": "registry.Household"}
    source = """
def bad(request):
    return Household.objects.filter(pk=1)
def good(request):
    return Household.objects.select_related("grid").for_user(request.user).filter(pk=1)
def good_too(request, pk):
    return get_for_user_or_404(Household.objects.all(), request.user, pk=pk)
def bad_argument(request):
    return paginate(request, Household.objects.all())
"""
    assert [(f, m) for _, f, m in find_unscoped(source, models)] == [
        ("bad", "Household"),
        ("bad_argument", "Household"),
    ]
