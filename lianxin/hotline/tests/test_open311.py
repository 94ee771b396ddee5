"""Open311 GeoReport v2: formats, schemas written from the spec, errors, the georeport client."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import georeport
import jsonschema
import pytest
from django.test import Client

from lianxin.hotline import open311, services
from lianxin.hotline.models import WorkOrder

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"

# JSON schemas written from https://wiki.open311.org/GeoReport_v2/
NULLABLE_STR = {"type": ["string", "null"]}
SERVICE = {
    "type": "object",
    "required": [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ],
    "properties": {
        "service_code": {"type": "string", "minLength": 1},
        "service_name": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
    },
}
SERVICES = {"type": "array", "items": SERVICE, "minItems": 1}
DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {"service_code": {"type": "string"}, "attributes": {"type": "array"}},
}
REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "status_notes": NULLABLE_STR,
        "service_name": NULLABLE_STR,
        "service_code": {"type": "string"},
        "description": NULLABLE_STR,
        "agency_responsible": NULLABLE_STR,
        "service_notice": NULLABLE_STR,
        "requested_datetime": {
            "type": "string",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$",
        },
        "updated_datetime": NULLABLE_STR,
        "expected_datetime": NULLABLE_STR,
        "address": NULLABLE_STR,
        "address_id": NULLABLE_STR,
        "zipcode": NULLABLE_STR,
        "lat": {"type": ["number", "null"]},
        "long": {"type": ["number", "null"]},
        "media_url": NULLABLE_STR,
    },
}
REQUESTS = {"type": "array", "items": REQUEST}
CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": NULLABLE_STR,
            "account_id": NULLABLE_STR,
        },
    },
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": "integer"},
            "description": {"type": "string", "minLength": 1},
        },
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array"},
                },
            },
        }
    },
}


@pytest.fixture
def api_key(world):
    _, key = services.open311_key_create(
        actor=None, name="测试客户端", hotline=world.a.orgs["hotline"]
    )
    return key


def _post(client: Client, key: str | None, **fields: Any):
    data = {
        "service_code": "municipal_engineering",
        "description": "胜利街路灯坏了一个星期了",
        "address_string": "兴庆区胜利街",
        **fields,
    }
    if key:
        data["api_key"] = key
    return client.post(f"{BASE}/requests.json", data)


def test_discovery_services_definition_json(client):
    jsonschema.validate(client.get(f"{BASE}/discovery.json").json(), DISCOVERY)
    services_json = client.get(f"{BASE}/services.json").json()
    jsonschema.validate(services_json, SERVICES)
    assert {"municipal_engineering", "utility_heating"} <= {
        s["service_code"] for s in services_json
    }
    jsonschema.validate(client.get(f"{BASE}/services/utility_heating.json").json(), DEFINITION)


def test_xml_formats(client):
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert root.find("service/service_code") is not None
    root = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/url") is not None
    root = ET.fromstring(client.get(f"{BASE}/services/nope.xml").content)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"


def test_post_get_request_roundtrip(client, api_key):
    created = _post(client, api_key)
    assert created.status_code == 201, created.content
    body = created.json()
    jsonschema.validate(body, CREATED)
    code = body[0]["service_request_id"]
    order = WorkOrder.objects.get(tracking_code=code)
    assert order.channel == "open311"
    assert order.area_code.startswith("640104")
    single = client.get(f"{BASE}/requests/{code}.json").json()
    jsonschema.validate(single, REQUESTS)
    assert single[0]["status"] == "open"
    assert single[0]["status_notes"]
    listing = client.get(
        f"{BASE}/requests.json", {"service_code": "municipal_engineering", "status": "open"}
    ).json()
    jsonschema.validate(listing, REQUESTS)
    # the public listing carries an opaque id, never the tracking code (PUB-01)
    assert code not in str(listing)
    assert open311.public_id(order) in {r["service_request_id"] for r in listing}
    root = ET.fromstring(client.get(f"{BASE}/requests/{code}.xml").content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == code


def test_states_map_to_open_closed(client, make_order, agent):
    order = make_order()
    services.workorder_close(actor=agent, order=order, note="已直接答复群众")
    row = client.get(f"{BASE}/requests/{order.tracking_code}.json").json()[0]
    assert row["status"] == "closed"
    assert "已办结" in row["status_notes"]
    assert row["description"] == ""  # phone-channel text is not published
    assert "139" not in str(row)


@pytest.mark.parametrize(
    ("key", "fields", "status", "fragment"),
    [
        (None, {}, 403, "api_key"),
        ("wrong", {}, 403, "api_key"),
        ("KEY", {"service_code": ""}, 400, "service_code"),
        ("KEY", {"service_code": "astrology"}, 404, "astrology"),
        ("KEY", {"address_string": ""}, 400, "位置"),
        ("KEY", {"address_string": "", "lat": "38.48", "long": "106.23"}, 400, "address_string"),
        ("KEY", {"description": "   "}, 400, "不能为空"),
        ("KEY", {"phone": "12"}, 400, "电话"),
        (
            "KEY",
            {"address_string": "某个不存在的地方", "description": "路灯坏了一个星期了"},
            400,
            "地点",
        ),
    ],
)
def test_post_errors(client, api_key, key, fields, status, fragment):
    response = _post(client, api_key if key == "KEY" else key, **fields)
    assert response.status_code == status, response.content
    body = response.json()
    jsonschema.validate(body, ERRORS)
    assert body[0]["code"] == status
    assert fragment in body[0]["description"]
    assert WorkOrder.objects.count() == 0


def test_get_errors(client):
    assert client.get(f"{BASE}/requests/NXNOPE.json").status_code == 404
    assert client.get(f"{BASE}/requests.json", {"status": "maybe"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/services.yaml").status_code == 400


def test_georeport_client(client, api_key, monkeypatch):
    """The PyPI client ``georeport`` reads our JSON and XML (HTTP through Django's test client)."""

    def fake_get(url: str, params: dict | None = None, **_: Any):
        response = client.get(url.replace("http://testserver", ""), params or {})

        def raise_for_status() -> None:
            if response.status_code >= 400:
                raise RuntimeError(response.status_code)

        return SimpleNamespace(
            json=response.json,
            content=response.content,
            status_code=response.status_code,
            raise_for_status=raise_for_status,
        )

    monkeypatch.setattr("georeport.georeport.requests.get", fake_get)
    code = _post(client, api_key).json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        gr = georeport.GeoReport(f"http://testserver{BASE}", output_format=fmt)
        names = gr.get_service_list()
        assert any(s["service_code"] == "municipal_engineering" for s in names)
        assert (
            gr.get_service_definition("municipal_engineering")["service_code"]
            == "municipal_engineering"
        )
        single = gr.get_service_request(code)
        assert single["service_request_id"] == code
        listed = gr.get_service_requests(service_request_id=code)
        listed = listed if isinstance(listed, list) else [listed]
        assert listed[0]["status"] == "open"
