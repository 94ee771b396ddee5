"""DOMAIN.md sections 4 and 5: a disabled person (grade 1) in a 低保 household does not receive
the living subsidy; the comparison raises "entitled but not receiving", the grid worker confirms
it on the spot, the community opens the prefilled application, attaches the form, the township
reviews, a county officer approves (maker-checker), and the subsidy is paid."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.benefits import services
from lianxin.benefits.models import Application, LedgerEntry
from lianxin.benefits.tests import factories as f
from lianxin.core.errors import AccessDenied
from lianxin.monitoring import services as monitoring_services

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n% form\n"


def test_living_subsidy_after_a_monitoring_alert(world):
    with time_machine.travel(NOW, tick=False):
        a = f.actors(world)
        pols = f.policies(world)
        hh, person = f.disabled_in_dibao(world.a, grade=1, name="马秀兰")
        alert = f.alert(
            person,
            "living_subsidy_missing",
            "一级肢体残疾，家庭享受低保，未领取生活补贴",
            area=world.a.county,
            as_of=dt.date(2026, 11, 1),
            evidence_hash="e1",
        )
        monitoring_services.alert_verify(
            actor=a.grid_worker,
            alert=alert,
            confirmed=True,
            note="入户核实属实",
            outcome="entitlement_change",
        )
        app = services.application_open_from_alert(actor=a.community, alert_id=alert.pk)
        assert (app.status, app.source, app.person_id, app.household_id, app.standard_key) == (
            "draft",
            "alert",
            person.pk,
            hh.pk,
            "1",
        )
        assert "入户核实属实" in app.reason
        # opening it again gives the same application
        assert (
            services.application_open_from_alert(actor=a.community, alert_id=alert.pk).pk == app.pk
        )
        services.application_add_document(
            actor=a.community,
            application=app,
            upload=SimpleUploadedFile("f.pdf", PDF),
            title="申请表",
        )
        app = services.application_submit(actor=a.community, obj=app)
        app = services.application_review(actor=a.township, obj=app, note="属实")
        with pytest.raises(AccessDenied):
            services.application_approve(actor=a.community, obj=app)
        services.application_approve(actor=a.county, obj=app)
        app = Application.objects.get(pk=app.pk)
        assert (app.status, app.approved_fen) == ("approved", 12_000)

        f.booked_run(
            a.county, pols["living"], world.a.village, dt.date(2026, 11, 1), checker=a.county2
        )
        paid = sorted(
            LedgerEntry.objects.filter(person=person).values_list("amount_fen", flat=True)
        )
        assert paid == [3_600, 8_400]
