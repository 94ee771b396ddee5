"""Reviewers see the evidence (photos, income and expenses); a refused submission never stores
the same photo twice."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.care import services
from lianxin.care.models import InvestigationPhoto, Stage
from lianxin.care.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile("IMG_0001.png", content, content_type="image/png")


def test_refused_submission_keeps_one_copy_of_the_photo(world, client):
    case, a = f.case_at(world, "discovered")
    client.force_login(a.grid_worker)
    url = reverse("care:investigate", args=[case.pk])
    incomplete = {"visited_on": "2026-11-20", "submit": "1", "photo_caption": "住房外观"}
    for _ in range(3):
        response = client.post(url, {**incomplete, "photo": _photo()})
        assert response.status_code == 400  # refused: the form comes back with its errors
        assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.DISCOVERED
    assert InvestigationPhoto.objects.filter(investigation__case=case).count() == 1
    # a different photo is a second photo
    client.post(url, {**incomplete, "photo": _photo(PNG + b"\x01")})
    assert InvestigationPhoto.objects.filter(investigation__case=case).count() == 2


def test_reviewer_sees_photos_income_and_expenses(world, client):
    case, a = f.case_at(world, "discovered")
    photo = services.investigation_add_photo(
        actor=a.grid_worker, case=case, upload=_photo(), caption="住房外观"
    )
    services.case_investigate(
        actor=a.grid_worker,
        case=case,
        data=f.investigation_data(
            monthly_income_fen=65050, monthly_expenses_fen=120000, income_notes="低保金加零工"
        ),
    )
    client.force_login(a.community)
    html = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    assert '<dd data-testid="income">650.50元</dd>' in html
    assert '<dd data-testid="expenses">1,200.00元</dd>' in html
    assert "低保金加零工" in html
    assert f'src="{reverse("care:photo", args=[photo.pk])}"' in html
    assert client.get(reverse("care:photo", args=[photo.pk])).status_code == 200
