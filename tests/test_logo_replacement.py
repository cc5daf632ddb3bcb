"""A company's logo file: kept when a new one is refused, deleted only once its replacement is
committed (members.services), and the admin's company form uses members.logos like the member area.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image
from pytest_django import Settings

from members.cards import company_cards
from members.logos import prepare_logo
from members.models import Company
from members.services import company_delete, company_save
from tests.factories import CapabilityFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_upload(color: str = "red") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(output, "PNG")
    return SimpleUploadedFile("logo.png", output.getvalue(), content_type="image/png")


def with_logo(company: Company, color: str) -> Company:
    company.logo = prepare_logo(png_upload(color))  # type: ignore[assignment]
    return company_save(company=company)


def stored_logos(media_root: Path) -> set[str]:
    return {f"logos/{path.name}" for path in (media_root / "logos").glob("*")}


@pytest.fixture
def company(media_root: Path) -> Company:
    return with_logo(CompanyFactory(slug="thistle", capabilities=[CapabilityFactory()]), "red")


# Through the service ----------------------------------------------------------------------------


def test_a_new_logo_is_stored_under_logos_with_a_random_name(
    company: Company, media_root: Path
) -> None:
    assert company.logo.name.startswith("logos/")
    assert stored_logos(media_root) == {company.logo.name}


def test_a_replaced_logo_is_deleted_only_after_the_new_one_is_committed(
    company: Company, media_root: Path
) -> None:
    old = company.logo.name

    with transaction.atomic():
        with_logo(company, "blue")
        assert stored_logos(media_root) == {old, company.logo.name}  # not before the commit

    assert stored_logos(media_root) == {company.logo.name}
    assert Company.objects.get(pk=company.pk).logo.name == company.logo.name


def test_a_replacement_rolled_back_keeps_the_old_logo(company: Company, media_root: Path) -> None:
    old = company.logo.name

    with pytest.raises(RuntimeError), transaction.atomic():
        with_logo(company, "blue")
        raise RuntimeError("a later step of the same change failed")

    assert Company.objects.get(pk=company.pk).logo.name == old
    assert old in stored_logos(media_root)


def test_clearing_a_logo_deletes_its_file(company: Company, media_root: Path) -> None:
    company.logo = ""  # type: ignore[assignment]
    company_save(company=company)

    assert stored_logos(media_root) == set()


def test_an_edit_that_leaves_the_logo_alone_keeps_it_without_a_query(
    company: Company, media_root: Path
) -> None:
    company = Company.objects.get(pk=company.pk)
    company.summary = "A new summary."

    with CaptureQueriesContext(connection) as queries:
        company_save(company=company)

    assert stored_logos(media_root) == {company.logo.name}
    assert not [q for q in queries if q["sql"].startswith('SELECT "members_company"."logo"')]


def test_deleting_a_company_deletes_its_logo(company: Company, media_root: Path) -> None:
    company_delete(company=company)

    assert stored_logos(media_root) == set()


def test_cards_and_the_profile_link_the_stored_logo(company: Company, client: Client) -> None:
    url = f"/media/{company.logo.name}"

    assert [card.logo_url for card in company_cards([company.pk])] == [url]
    assert f'src="{url}"' in client.get(company.get_absolute_url()).text


# Through the admin's company form ---------------------------------------------------------------


def admin_form_data(company: Company, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": company.name,
        "slug": company.slug,
        "status": company.status,
        "summary": company.summary,
        "employee_band": company.employee_band,
        "clusters": [str(pk) for pk in company.clusters.values_list("pk", flat=True)],
        **changes,
    }
    for prefix in ("certifications", "frameworks", "case_studies", "memberships"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def admin_change(staff_client: Client, company: Company, **changes: object) -> object:
    url = reverse("admin:members_company_change", args=[company.pk])
    return staff_client.post(url, admin_form_data(company, **changes))


def test_staff_uploads_are_prepared_like_members_uploads(
    staff_client: Client, company: Company, media_root: Path
) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    photo = io.BytesIO()
    Image.new("RGB", (2000, 1000), "green").save(photo, "JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("looks-like-a.png", photo.getvalue(), content_type="image/png")

    response = admin_change(staff_client, company, logo=upload)

    assert response.status_code == 302  # type: ignore[attr-defined]
    stored = Company.objects.get(pk=company.pk).logo
    assert stored.name.endswith(".jpg")
    image = Image.open(media_root / stored.name)
    assert image.size == (512, 256)
    assert not image.getexif()


def test_a_refused_upload_in_the_admin_keeps_the_old_logo(
    staff_client: Client, company: Company, media_root: Path
) -> None:
    old = company.logo.name
    svg = SimpleUploadedFile(
        "logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )

    response = admin_change(staff_client, company, logo=svg)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.context["adminform"].form.errors["logo"] == [  # type: ignore[attr-defined]
        "SVG logos cannot be accepted. Export the logo as a PNG (which keeps a transparent "
        "background) and upload that."
    ]
    assert Company.objects.get(pk=company.pk).logo.name == old
    assert stored_logos(media_root) == {old}


def test_a_replacement_in_the_admin_deletes_the_old_file(
    staff_client: Client, company: Company, media_root: Path
) -> None:
    old = company.logo.name

    response = admin_change(staff_client, company, logo=png_upload("blue"))

    assert response.status_code == 302  # type: ignore[attr-defined]
    new = Company.objects.get(pk=company.pk).logo.name
    assert new != old
    assert stored_logos(media_root) == {new}


def test_clearing_the_logo_in_the_admin_deletes_the_file(
    staff_client: Client, company: Company, media_root: Path
) -> None:
    response = admin_change(staff_client, company, **{"logo-clear": "on"})

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Company.objects.get(pk=company.pk).logo.name == ""
    assert stored_logos(media_root) == set()
