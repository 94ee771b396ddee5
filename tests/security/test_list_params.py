"""#11 finding 8: every list endpoint of the REST API, with hostile query parameters (negative,
huge, non-numeric, NUL bytes, full-width digits, extreme dates) on its declared parameters and
on page, page_size, limit, offset, ordering: never a 5xx, and never more rows than the largest
page. Endpoints are enumerated from the OpenAPI schema the API serves."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxin.core.roles import Role

HOSTILE = [
    "-1", "0", "1", "2", "99999999999999999999999", "abc", "\x00", "1\x00", "１２", "-０",
    "1e9", "", " ", "NaN", "2026-13-45", "0001-01-01", "9999-12-31", "2026-01-01",
    "-id", "?", "%", "id;drop", "0x10", "٣",
]  # fmt: skip
COMMON = ["page", "page_size", "limit", "offset", "ordering", "start", "end", "date", "week"]
MAX_ROWS = 200


def _list_operations() -> list[tuple[str, list[str]]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    out = []
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get is None or "{" in path:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p.get("in") == "query"]
        out.append((path, sorted({*names, *COMMON})))
    return sorted(out)


def test_the_schema_has_list_endpoints(db):
    paths = [p for p, _ in _list_operations()]
    assert "/api/v1/households/" in paths
    assert "/api/v1/monitoring/alerts/" in paths


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_list_endpoints_never_answer_5xx_and_stay_bounded(world, client, data):
    operations = _list_operations()
    from lianxin.accounts.models import User

    user = User.objects.filter(username="fuzz_county_a").first() or world.user(
        Role.COUNTY_STAFF, "a", username="fuzz_county_a"
    )
    client.force_login(user)
    path, names = data.draw(st.sampled_from(operations), label="endpoint")
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    params = {
        name: data.draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), label=name)
        for name in chosen
    }
    response = client.get(path, params)
    assert response.status_code < 500, (path, params, response.content[:300])
    if response.status_code == 200 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        body = response.json()
        rows = body.get("results") if isinstance(body, dict) else body
        if isinstance(rows, list):
            assert len(rows) <= MAX_ROWS, (path, params)
    if response.status_code == 400:
        _assert_chinese(response, path, params)


def _messages(data):
    """Every message string of an error answer (the machine-readable "code" aside)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key != "code":
                yield from _messages(value)
    elif isinstance(data, list):
        for value in data:
            yield from _messages(value)
    elif isinstance(data, str):
        yield data


def _assert_chinese(response, path, params):
    """#11: each message of a refusal is Chinese — not only the envelope's "提交的数据有误"."""
    if response.get("Content-Type", "").startswith("application/json"):
        messages = list(_messages(response.json()))
    else:
        messages = [response.content.decode()]
    assert messages, (path, params)
    for message in messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (path, params, message)


# Every list endpoint × every parameter it declares and the common ones (page, page_size,
# limit, offset, ordering, dates) × the values that used to give a 500 or an English answer;
# asked in English (Accept-Language: en), the refusal is still Chinese.
SWEEP = ["abc", "99999999999999999999999", "-1", "2026-13-45", "０００１-０１-０１"]


@pytest.mark.django_db
def test_every_list_parameter_is_refused_in_chinese_or_accepted(world, client):
    client.force_login(world.user(Role.COUNTY_STAFF, "a"))
    client.raise_request_exception = False
    failures = []
    for path, names in _list_operations():
        for name in names:
            for value in SWEEP:
                response = client.get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="en")
                if response.status_code >= 500:
                    failures.append((path, name, value, response.status_code))
                elif response.status_code == 400:
                    try:
                        _assert_chinese(response, path, {name: value})
                    except AssertionError as exc:
                        failures.append((path, name, value, str(exc)[:120]))
    assert failures == []


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("-1", 400),
        ("abc", 400),
        ("1\x00", 400),
        ("99999999999999999999", 400),
        ("１", 200),
        ("999", 200),
    ],
)
def test_page_is_a_chinese_400_or_a_clamp(world, client, value, status):
    client.force_login(world.user(Role.COUNTY_STAFF, "a"))
    response = client.get("/api/v1/households/", {"page": value, "page_size": "100000"})
    assert response.status_code == status
    if status == 400:  # NUL bytes and 19+ digit numbers are refused by the request middleware
        expected = "非法字符" if "\x00" in value else "超出范围" if len(value) > 18 else "页码应为"
        assert expected in json.dumps(response.json(), ensure_ascii=False)
