"""The sync of the phone's outbox: exactly once per key, conflicts in Chinese, scope, and
refusals that write nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest
from django.utils import timezone

from lianxin.care import services as care_services
from lianxin.care.models import CareCase, Discovery, FollowUp, InvestigationPhoto, Stage
from lianxin.care.tests.factories import Actors, case_at, household
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, NotFound
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.core.tests.concurrency import at_once
from lianxin.monitoring import services as monitoring_services
from lianxin.monitoring.models import Alert
from lianxin.offline import services
from lianxin.offline.models import Submission, SubmissionStatus
from lianxin.offline.tests.factories import open_alert, photo, submission


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts():
    return (
        Submission.objects.count(),
        FollowUp.objects.count(),
        CareCase.objects.count(),
        Discovery.objects.count(),
        InvestigationPhoto.objects.count(),
        Alert.objects.filter(status=Alert.Status.OPEN).count(),
        AuditEvent.objects.count(),
    )


def _visit(case, **payload):
    data = {
        "household": case.household.number,
        "case": str(case.pk),
        "visited_on": "2026-11-25",
        "notes": "老人身体好转，低保已到账",
    }
    data.update(payload)
    return submission("visit", data)


def test_a_visit_is_applied_once_and_the_audit_keeps_typed_and_sync_time(world):
    case, actors = case_at(world, "planned")
    sent = _visit(case)
    first = services.submission_sync(actor=actors.grid_worker, **sent)
    again = services.submission_sync(actor=actors.grid_worker, **sent)

    assert (first.replayed, again.replayed) == (False, True)
    assert again.submission.pk == first.submission.pk
    followup = FollowUp.objects.get(case=case)
    assert (followup.visited_on, followup.notes) == (
        dt.date(2026, 11, 25),
        "老人身体好转，低保已到账",
    )
    assert followup.visitor == actors.grid_worker
    row = first.submission
    assert (row.kind, row.status, row.household_number) == (
        "visit",
        "applied",
        case.household.number,
    )
    assert (row.target_type, row.target_id) == ("care.FollowUp", str(followup.pk))
    event = AuditEvent.objects.get(action="offline.submission.sync")
    typed = dt.datetime.fromisoformat(sent["typed_at"])
    assert event.changes["typed_at"] == timezone.localtime(typed).isoformat(timespec="seconds")
    assert event.changes["synced_at"] == timezone.localtime(row.synced_at).isoformat(
        timespec="seconds"
    )
    assert event.changes["record"] == f"care.FollowUp:{followup.pk}"
    assert AuditEvent.objects.filter(action="care.followup.record").count() == 1
    case.refresh_from_db()
    assert case.stage == Stage.TRACKING


def test_a_discovery_with_a_photo_opens_the_case_and_keeps_the_photo(world):
    actors = Actors(world)
    hh = household(actors.site)
    sent = submission(
        "discovery",
        {"household": hh.number, "source": "grid_visit", "description": "独居老人，屋顶漏雨"},
        photos=[photo()],
    )
    result = services.submission_sync(actor=actors.grid_worker, **sent)

    case = CareCase.objects.get(household=hh)
    assert case.stage == Stage.DISCOVERED
    assert Discovery.objects.get(case=case).description == "独居老人，屋顶漏雨"
    stored = InvestigationPhoto.objects.get(investigation__case=case)
    assert (stored.content_type, stored.caption) == ("image/png", "发现时拍摄")
    assert result.submission.target_id == str(case.pk)
    assert services.submission_sync(actor=actors.grid_worker, **sent).replayed
    assert InvestigationPhoto.objects.count() == 1
    assert CareCase.objects.count() == 1


def test_an_investigation_with_photos_is_submitted_through_care(world):
    case, actors = case_at(world, "discovered")
    payload = {
        "household": case.household.number,
        "case": str(case.pk),
        "visited_on": "2026-11-24",
        "residents": "户主一人",
        "resident_count": "1",
        "monthly_income": "650.50",
        "monthly_expenses": "900",
        "housing": "dangerous",
        "health_notes": "慢性病",
        "heating": "insufficient",
        "needs": "危房改造",
        "submit": True,
    }
    services.submission_sync(
        actor=actors.grid_worker,
        **submission("investigation", payload, photos=[photo("a.png", 4), photo("b.png", 5)]),
    )
    case.refresh_from_db()
    assert case.stage == Stage.INVESTIGATED
    inv = case.investigation
    assert (inv.monthly_income_fen, inv.monthly_expenses_fen, inv.housing) == (
        65050,
        90000,
        "dangerous",
    )
    assert inv.photos.count() == 2


def test_an_alert_verification_is_applied_through_monitoring(world):
    actors = Actors(world)
    alert = open_alert(actors.site)
    payload = {"alert": str(alert.pk), "result": "rejected", "note": "子女已接回同住"}
    result = services.submission_sync(
        actor=actors.grid_worker, **submission("alert_verification", payload)
    )
    alert.refresh_from_db()
    assert (alert.status, alert.verification_note, alert.verified_by) == (
        "rejected",
        "子女已接回同住",
        actors.grid_worker,
    )
    assert result.submission.target_type == "monitoring.Alert"


def test_an_alert_verified_meanwhile_by_a_colleague_is_a_conflict_in_chinese(world):
    actors = Actors(world)
    alert = open_alert(actors.site)
    monitoring_services.alert_verify(
        actor=actors.community, alert=alert, confirmed=False, note="已电话核实，不属实"
    )
    before = _counts()
    payload = {
        "alert": str(alert.pk),
        "result": "confirmed",
        "outcome": "care_discovery",
        "note": "确系独居",
    }
    with pytest.raises(services.SyncConflict) as caught:
        services.submission_sync(
            actor=actors.grid_worker, **submission("alert_verification", payload)
        )
    assert caught.value.message.startswith("该预警在您离线期间已被核实：")
    assert "核实为「不属实」" in caught.value.message
    assert "已电话核实，不属实" in caught.value.message
    assert _counts() == before
    alert.refresh_from_db()
    assert alert.verified_by == actors.community


def test_a_visit_to_a_case_closed_meanwhile_is_a_conflict(world, monkeypatch):
    case, actors = case_at(world, "planned")
    CareCase.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)
    before = _counts()
    with pytest.raises(services.SyncConflict) as caught:
        services.submission_sync(actor=actors.grid_worker, **_visit(case))
    assert "在您离线期间已变化" in caught.value.message
    assert caught.value.extra["current"] == "验收结案"
    assert _counts() == before


def test_resolving_a_conflict_by_giving_up_keeps_what_was_typed(world):
    actors = Actors(world)
    alert = open_alert(actors.site)
    monitoring_services.alert_verify(
        actor=actors.community, alert=alert, confirmed=False, note="不属实"
    )
    payload = {
        "alert": str(alert.pk),
        "result": "confirmed",
        "outcome": "care_discovery",
        "note": "确系独居",
    }
    sent = submission("alert_verification", payload)
    with pytest.raises(Conflict):
        services.submission_sync(actor=actors.grid_worker, **sent)

    services.submission_discard(actor=actors.grid_worker, reason="以同事核实为准", **sent)
    row = Submission.objects.get(key=sent["key"])
    assert row.status == SubmissionStatus.DISCARDED
    assert json.loads(row.payload)["note"] == "确系独居"
    assert row.area_code == alert.area_code
    assert AuditEvent.objects.filter(action="offline.submission.discard").count() == 1
    # an old copy of the queue sending it again applies nothing
    again = services.submission_sync(actor=actors.grid_worker, **sent)
    assert (again.replayed, again.submission.status) == (True, "discarded")
    alert.refresh_from_db()
    assert alert.verification_note == "不属实"


@pytest.mark.parametrize("where", ["other_grid", "other_site"])
def test_a_worker_cannot_sync_into_a_household_outside_the_grid(world, where):
    actors = Actors(world)
    site = world.b if where == "other_site" else world.a
    grid = world.a.other_grid if where == "other_grid" else None
    hh = household(site, grid=grid)
    before = _counts()
    sent = submission("discovery", {"household": hh.number, "description": "越权登记"})
    with pytest.raises(NotFound) as caught:
        services.submission_sync(actor=actors.grid_worker, **sent)
    assert caught.value.message == f"住户{hh.number}不存在或不在您负责的网格"
    assert _counts() == before


def test_a_worker_cannot_verify_an_alert_of_another_grid(world):
    actors = Actors(world)
    alert = open_alert(actors.site, grid=world.a.other_grid)
    before = _counts()
    payload = {"alert": str(alert.pk), "result": "rejected", "note": "越权"}
    with pytest.raises((NotFound, AccessDenied)):
        services.submission_sync(
            actor=actors.grid_worker, **submission("alert_verification", payload)
        )
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visited_on": "2026-13-45"}, "走访日期不是有效的日期"),
        ({"visited_on": None}, "走访日期不是有效的日期"),
        ({"notes": "   "}, "请填写走访情况"),
        ({"notes": ["不是文字"]}, "走访情况格式不正确"),
        ({"visited_on": "2999-01-01"}, "回访日期不能晚于今天"),
    ],
)
def test_a_visit_with_bad_data_is_refused_in_chinese_and_writes_nothing(world, change, message):
    case, actors = case_at(world, "planned")
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        services.submission_sync(actor=actors.grid_worker, **_visit(case, **change))
    assert caught.value.message == message
    assert _counts() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("key", "not-a-uuid", "同步编号无效，请在手机上重新保存该记录"),
        ("kind", "delete_household", "不支持的离线记录类型"),
        ("typed_at", "yesterday", "填写时间无效"),
        (
            "typed_at",
            "2999-01-01T08:00:00+08:00",
            "填写时间晚于服务器时间，请检查手机的日期和时间设置",
        ),
        ("payload", ["x"], "提交内容格式不正确"),
    ],
)
def test_a_malformed_submission_is_refused_and_writes_nothing(world, field, value, message):
    case, actors = case_at(world, "planned")
    sent = _visit(case)
    sent[field] = value
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        services.submission_sync(actor=actors.grid_worker, **sent)
    assert caught.value.message == message
    assert _counts() == before


def test_a_photo_that_is_not_an_image_rolls_the_discovery_back_files_included(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    actors = Actors(world)
    hh = household(actors.site)
    before = _counts()
    bad = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    sent = submission(
        "discovery", {"household": hh.number, "description": "屋顶漏雨"}, photos=[photo(), bad]
    )
    with pytest.raises(ApplicationError) as caught:
        services.submission_sync(actor=actors.grid_worker, **sent)
    assert caught.value.message == "只能上传 JPEG、PNG 或 WebP 格式的照片"
    assert _counts() == before
    media = settings.MEDIA_ROOT
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_key_used_by_another_account_is_refused(world):
    case, actors = case_at(world, "planned")
    sent = _visit(case)
    services.submission_sync(actor=actors.grid_worker, **sent)
    colleague = world.user(Role.GRID_WORKER, "a")
    with pytest.raises(Conflict) as caught:
        services.submission_sync(actor=colleague, **sent)
    assert caught.value.message == "该同步编号已被其他账号使用，请在手机上重新保存该记录"
    assert FollowUp.objects.count() == 1


def test_the_race_window_between_check_and_insert_is_closed_by_the_unique_key(world, monkeypatch):
    """The second of two concurrent requests passes the first lookup before the first commits;
    its insert then hits the unique key and it answers the first result, applying nothing."""
    case, actors = case_at(world, "planned")
    sent = _visit(case)
    services.submission_sync(actor=actors.grid_worker, **sent)
    real_filter = Submission.objects.filter
    calls = {"n": 0}

    def blind_first_lookup(*args, **kwargs):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(Submission.objects, "filter", blind_first_lookup)
    result = services.submission_sync(actor=actors.grid_worker, **sent)
    assert result.replayed
    assert FollowUp.objects.count() == 1
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="real concurrency needs PostgreSQL (SQLite serialises writers)",
)
def test_two_concurrent_requests_with_one_key_apply_once(world):
    case, actors = case_at(world, "planned")
    sent = _visit(case)
    n = 4
    results = at_once(lambda i: services.submission_sync(actor=actors.grid_worker, **sent), n)
    assert all(isinstance(r, services.SyncResult) for r in results), results
    assert sorted(r.replayed for r in results) == [False] + [True] * (n - 1)
    assert FollowUp.objects.filter(case=case).count() == 1
    assert Submission.objects.filter(key=sent["key"]).count() == 1
    assert AuditEvent.objects.filter(action="offline.submission.sync").count() == 1


def test_a_followup_recorded_online_and_offline_are_two_visits(world):
    """Idempotency is per submission, not per content: the same words typed twice are two."""
    case, actors = case_at(world, "planned")
    care_services.followup_record(
        actor=actors.grid_worker, case=case, visited_on=dt.date(2026, 11, 25), notes="正常"
    )
    services.submission_sync(actor=actors.grid_worker, **_visit(case, notes="正常"))
    assert FollowUp.objects.filter(case=case).count() == 2
    assert uuid.UUID(str(Submission.objects.get().key))
