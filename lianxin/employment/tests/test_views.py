"""Pages and API: the public form (same answer for anyone, throttled), the staff pages, and what
an employer's staff may see (only what the seeker agreed to share; never an ID or phone)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.employment import services
from lianxin.employment.models import EmployerKind, JobSeeker, MatchStatus

from . import factories as f

pytestmark = pytest.mark.django_db

MASKS = re.compile(r"\d[*＊]{4,}[\dX]")


def _public_form(world, **overrides):
    data = {
        "name": "赵公开",
        "id_number": f.make_id(world.a.county.code, dt.date(1995, 2, 3), 321),
        "phone": "13912345670",
        "division": world.a.village.name,
        "preferred_posts": "保洁",
        "expected_pay_yuan": "2500",
        "skills": ["清洁保洁"],
        "daily_hours": "4",
        "max_commute_km": "5",
        "share": ["skills"],
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_public_form_answers_the_same_for_known_and_unknown_people(world, client):
    cache.clear()
    person = f.disabled_person(world.a, name="赵公开")
    known = client.post(
        reverse("employment:public_apply"), _public_form(world, id_number=person.id_number)
    )
    unknown = client.post(reverse("employment:public_apply"), _public_form(world))
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert "已收到您的登记" in strip(known)
    assert JobSeeker.objects.filter(status="submitted").count() == 2


def test_public_form_is_throttled(world, client):
    cache.clear()
    for _ in range(5):
        client.post(reverse("employment:public_apply"), _public_form(world, name=""))
    response = client.post(reverse("employment:public_apply"), _public_form(world))
    assert response.status_code == 429
    assert JobSeeker.objects.count() == 0


def test_public_form_bad_input_keeps_nothing(world, client):
    cache.clear()
    response = client.post(
        reverse("employment:public_apply"), _public_form(world, division="不存在的村")
    )
    assert response.status_code == 200
    assert "没有找到“不存在的村”" in response.content.decode()
    assert JobSeeker.objects.count() == 0


@pytest.fixture
def scene(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a, name="钱保密"), share=["skills", "age"])
    employer = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    post = f.post(staff, employer)
    match = services.match_propose(actor=staff, seeker=seeker, post=post)
    factory = f.employer(staff, world.a, name="阳光工厂", kind=EmployerKind.SUNSHINE_FACTORY)
    worker = f.seeker(staff, f.disabled_person(world.a, name="孙员工"))
    placement = f.sunshine_placement(
        staff, worker, factory, timezone.localdate() - dt.timedelta(days=45), social_insurance=True
    )
    season = services.season_create(
        actor=world.user(Role.CITY_STAFF, "a"), name="援助月", area=world.a.city,
        starts_on=timezone.localdate() - dt.timedelta(days=30), ends_on=timezone.localdate(),
    )  # fmt: skip
    return {
        "staff": staff, "seeker": seeker, "employer": employer, "post": post, "match": match,
        "placement": placement, "season": season, "boss": f.employer_user(world.a, employer),
    }  # fmt: skip


def test_staff_pages_render(scene, client):
    client.force_login(scene["staff"])
    urls = [
        reverse("employment:index"),
        reverse("employment:seeker_list"),
        reverse("employment:seeker_detail", args=[scene["seeker"].pk]),
        reverse("employment:seeker_assess", args=[scene["seeker"].pk]),
        reverse("employment:seeker_place", args=[scene["seeker"].pk]),
        reverse("employment:employer_detail", args=[scene["placement"].employer_id]),
        reverse("employment:post_detail", args=[scene["post"].pk]),
        reverse("employment:match_detail", args=[scene["match"].pk]),
        reverse("employment:placement_detail", args=[scene["placement"].pk]),
        reverse("employment:followups_due"),
        reverse("employment:season_detail", args=[scene["season"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(
        reverse("employment:seeker_detail", args=[scene["seeker"].pk])
    ).content.decode()
    assert "匹配的岗位（按匹配度）" in detail
    assert "技能相符：包装" in detail
    assert scene["seeker"].id_number not in detail
    assert "孙员工" in client.get(reverse("employment:followups_due")).content.decode()


def test_employer_sees_only_what_was_agreed(scene, client):
    seeker = scene["seeker"]
    client.force_login(scene["boss"])
    pages = [
        client.get(reverse("employment:my_posts")),
        client.get(reverse("employment:match_detail", args=[scene["match"].pk])),
        client.get(reverse("employment:post_detail", args=[scene["post"].pk])),
        client.get(reverse("employment:match_list")),
        client.get(reverse("api:employment_match_list")),
    ]
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert seeker.name not in body
        assert seeker.id_number not in body
        assert seeker.phone not in body
        assert not MASKS.search(body)
        assert "残疾三级" not in body  # the disability was not shared
    my = pages[0].content.decode()
    assert seeker.code in my
    assert "包装、手工组装" in my
    for url in (
        reverse("employment:seeker_detail", args=[seeker.pk]),
        reverse("employment:placement_detail", args=[scene["placement"].pk]),
        reverse("api:employment_seeker_detail", args=[seeker.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("api:employment_seeker_list")).json()["count"] == 0


def test_employer_answers_on_its_page(scene, client):
    client.force_login(scene["boss"])
    response = client.post(
        reverse("employment:match_action", args=[scene["match"].pk, "employer_accept"])
    )
    assert response.status_code == 302
    scene["match"].refresh_from_db()
    assert scene["match"].status == MatchStatus.EMPLOYER_ACCEPTED
    before = AuditEvent.objects.count()
    client.post(reverse("employment:match_action", args=[scene["match"].pk, "seeker_confirm"]))
    scene["match"].refresh_from_db()
    assert scene["match"].status == MatchStatus.EMPLOYER_ACCEPTED
    assert AuditEvent.objects.count() == before


def test_api_ranked_posts_and_propose(world, scene, client):
    client.force_login(scene["staff"])
    other = f.seeker(scene["staff"], f.disabled_person(world.a))
    ranked = client.get(reverse("api:employment_seeker_posts", args=[other.pk])).json()
    assert ranked[0]["post"]["id"] == scene["post"].pk
    assert "技能相符：包装" in ranked[0]["reasons"]
    created = client.post(
        reverse("api:employment_match_list"), {"seeker_id": other.pk, "post_id": scene["post"].pk}
    )
    assert created.status_code == 201
    assert created.json()["candidate"]["name"] == other.name
    funnel = client.get(reverse("api:employment_season_funnel", args=[scene["season"].pk])).json()
    assert funnel["visited"] == 0
