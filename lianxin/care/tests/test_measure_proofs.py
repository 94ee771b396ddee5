"""Photo and document proof of a delivered measure (issue #12): uploaded with the measure's
completion, checked by content like the investigation's photos, stored once however often it is
sent, shown on the case page, downloadable only by those who can see the case (audited)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.care import services
from lianxin.care.models import MeasureProof, MeasureStatus
from lianxin.care.tests import factories as f
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PNG2 = b"\x89PNG\r\n\x1a\n" + b"\x01" * 80
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def planned(world):
    case, a = f.case_at(world, "planned")
    return case, a, case.measures.get()


def _png(name="现场照片.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def _pdf(name="验收单.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_photos_and_a_pdf_are_stored_with_the_completion_once_each(planned):
    case, a, measure = planned
    services.measure_implement(
        actor=a.county,
        measure=measure,
        evidence="",
        proofs=[_png(), _pdf(), _png("同一张.png")],  # the same photo twice: stored once
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    proofs = list(measure.proofs.order_by("pk"))
    assert [(p.content_type, p.caption) for p in proofs] == [
        ("image/png", "现场照片.png"),
        ("application/pdf", "验收单.pdf"),
    ]
    assert proofs[0].file.name.startswith(f"care/{case.area_code}/measures/{measure.pk}/")
    assert proofs[0].area_code == case.area_code
    audit = AuditEvent.objects.get(action="care.measure.implement")
    assert audit.changes["proofs"] == [p.pk for p in proofs]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("伪装.png", b"MZ\x90\x00 not an image"), "格式不对"),
        (
            SimpleUploadedFile("大.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024)),
            "10 MB",
        ),
    ],
)
def test_a_refused_submission_stores_nothing(planned, upload, message):
    _, a, measure = planned
    with pytest.raises(ApplicationError) as exc:
        services.measure_implement(
            actor=a.county, measure=measure, evidence="已发放", proofs=[_png(), upload]
        )
    assert message in exc.value.message
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED
    assert MeasureProof.objects.count() == 0
    # sent again, corrected: the photo is stored once
    services.measure_implement(actor=a.county, measure=measure, evidence="已发放", proofs=[_png()])
    assert MeasureProof.objects.count() == 1


def test_no_note_and_no_file_is_refused_but_a_photo_alone_will_do(planned):
    _, a, measure = planned
    with pytest.raises(ApplicationError) as exc:
        services.measure_implement(actor=a.county, measure=measure, evidence=" ", proofs=[])
    assert exc.value.extra["missing"] == ["落实佐证"]
    services.measure_implement(actor=a.county, measure=measure, evidence="", proofs=[_png()])
    assert measure.proofs.count() == 1


def test_only_the_responsible_unit_uploads(planned):
    _, a, measure = planned
    with pytest.raises(AccessDenied):
        services.measure_implement(
            actor=a.community, measure=measure, evidence="x", proofs=[_png()]
        )
    assert MeasureProof.objects.count() == 0


def test_the_page_uploads_shows_and_serves_proofs_to_those_who_see_the_case(planned, client, world):
    case, a, measure = planned
    client.force_login(a.county)
    url = f"/care/measures/{measure.pk}/do/implement/"
    refused = client.post(
        url, {"evidence": "", "proofs": [SimpleUploadedFile("x.png", b"plain text")]}
    )
    assert refused.status_code == 400
    assert "格式不对" in refused.content.decode()
    assert MeasureProof.objects.count() == 0
    done = client.post(
        url,
        {
            "evidence": "临时救助金已发放",
            "proofs": [_png(), _png("again.png"), _png("另一张.png", PNG2), _pdf()],
        },
    )
    assert done.status_code == 302
    proofs = list(MeasureProof.objects.order_by("pk"))
    assert len(proofs) == 3
    # the reviewers (township of the area) see them on the case page and open them
    client.force_login(a.township)
    page = client.get(f"/care/cases/{case.pk}/").content.decode()
    assert f'data-testid="measure-proofs-{measure.pk}"' in page
    for p in proofs:
        assert f"/care/proofs/{p.pk}/" in page
    before = AuditEvent.objects.filter(action__startswith="view.").count()
    got = client.get(f"/care/proofs/{proofs[2].pk}/")
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Cache-Control"] == "private, no-store"
    assert b"".join(got.streaming_content) == PDF
    views = AuditEvent.objects.filter(action__startswith="view.").order_by("pk")
    assert views.count() == before + 1
    assert views.last().target_id == str(case.pk)
    # nobody who cannot see the case gets the file
    for outsider in (
        world.user(Role.TOWNSHIP_STAFF, "b"),
        world.user(Role.UNIT_STAFF, "a"),
        world.user(Role.HOTLINE_AGENT, "a"),
    ):
        client.force_login(outsider)
        assert client.get(f"/care/proofs/{proofs[0].pk}/").status_code == 404


def test_the_api_takes_proofs_as_multipart(planned, client):
    case, a, measure = planned
    client.force_login(a.county)
    answer = client.post(
        f"/api/v1/care/measures/{measure.pk}/implement/",
        {"evidence": "已落实", "proofs": [_png(), _pdf()]},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "implemented"
    assert [p["content_type"] for p in body["proofs"]] == ["image/png", "application/pdf"]
    assert body["proofs"][0]["url"].startswith("/care/proofs/")
    refused = client.post(
        f"/api/v1/care/measures/{measure.pk}/implement/",
        {"evidence": "再次", "proofs": [_png()]},
    )
    assert refused.status_code in (400, 409)
    assert MeasureProof.objects.count() == 2
