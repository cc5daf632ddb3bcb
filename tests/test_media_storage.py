"""Uploaded media in S3-compatible object storage (MEDIA_STORAGE=s3), for several app hosts.

The settings are read by directory.settings.media_storage, as at start-up; the bucket is moto's
S3 server on a free localhost port, spoken to over HTTP by django-storages and boto3.
"""

from __future__ import annotations

import io
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image
from pytest_django import Settings

from directory.settings import media_storage
from members.cards import company_cards
from members.logos import prepare_logo
from members.models import Company
from members.services import company_save
from tests.factories import CapabilityFactory, CompanyFactory
from tests.test_deploy_checks import production_env, run_python

REGION = "eu-west-2"
S3_VARIABLES = (
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_QUERYSTRING_EXPIRE",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment with no media variables; tests set the ones they mean."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def configure(env: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    for name, value in variables.items():
        env.setenv(name, value)
    return media_storage()


# Settings: configured fully or not at all -------------------------------------------------------


def test_media_stay_on_the_local_disk_by_default(env: pytest.MonkeyPatch) -> None:
    assert configure(env) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_settings_become_the_storage_options(env: pytest.MonkeyPatch) -> None:
    storage = configure(
        env,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="directory-media",
        AWS_S3_REGION_NAME="fr-par",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.example",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_QUERYSTRING_EXPIRE="600",
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["region_name"]) == ("directory-media", "fr-par")
    assert options["endpoint_url"] == "https://s3.fr-par.example"
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 600
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False


COMPLETE = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_REGION_NAME": REGION}
NEEDS = "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME and AWS_S3_REGION_NAME"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, NEEDS),
        ({"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "media"}, NEEDS),
        ({"MEDIA_STORAGE": "s3", "AWS_S3_REGION_NAME": REGION}, NEEDS),
        (
            {"AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_REGION_NAME": REGION},
            "AWS_STORAGE_BUCKET_NAME, AWS_S3_REGION_NAME only apply to MEDIA_STORAGE=s3",
        ),
        ({"AWS_S3_ENDPOINT_URL": "https://s3.example"}, "AWS_S3_ENDPOINT_URL only apply to"),
        ({"MEDIA_STORAGE": "gcs"}, "MEDIA_STORAGE must be filesystem or s3, not 'gcs'"),
        (
            {**COMPLETE, "AWS_S3_ENDPOINT_URL": "s3.example"},
            "AWS_S3_ENDPOINT_URL must be an http(s) URL",
        ),
        ({**COMPLETE, "AWS_ACCESS_KEY_ID": "key"}, "Set both AWS_ACCESS_KEY_ID and"),
        ({**COMPLETE, "AWS_SECRET_ACCESS_KEY": "secret"}, "Set both AWS_ACCESS_KEY_ID and"),
        (
            {**COMPLETE, "AWS_S3_CUSTOM_DOMAIN": "https://media.example/"},
            "AWS_S3_CUSTOM_DOMAIN is a host name",
        ),
        (
            {**COMPLETE, "AWS_S3_ADDRESSING_STYLE": "dns"},
            "AWS_S3_ADDRESSING_STYLE must be path or virtual",
        ),
        (
            {**COMPLETE, "AWS_QUERYSTRING_EXPIRE": "an hour"},
            "AWS_QUERYSTRING_EXPIRE must be an integer",
        ),
    ],
    ids=[
        "s3-alone",
        "no-region",
        "no-bucket",
        "bucket-without-s3",
        "endpoint-without-s3",
        "unknown-kind",
        "endpoint-not-a-url",
        "key-without-secret",
        "secret-without-key",
        "domain-with-scheme",
        "unknown-addressing",
        "expiry-not-a-number",
    ],
)
def test_a_half_configured_bucket_is_refused(
    env: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        configure(env, **variables)

    assert message in str(caught.value)


def test_a_complete_configuration_is_accepted(env: pytest.MonkeyPatch) -> None:
    assert configure(env, **COMPLETE)["OPTIONS"]["bucket_name"] == "media"


def test_the_server_refuses_to_start_with_a_half_configured_bucket(tmp_path: Any) -> None:
    env = production_env(tmp_path, MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="media")

    result = run_python(env, "manage.py", "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDIA_STORAGE=s3 needs" in result.stderr


def test_the_deploy_check_is_clean_with_object_storage(tmp_path: Any) -> None:
    env = production_env(
        tmp_path,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="directory-media",
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_CUSTOM_DOMAIN="media.directory.example",
        # No credentials here: boto3 must not go looking for an instance's (nothing should
        # make a client, but a network lookup would leave this machine).
        AWS_EC2_METADATA_DISABLED="true",
    )
    script = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n"
        "print(type(storages['default']).__name__)\n"
    )

    result = run_python(env, "-c", script)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert result.stdout.strip().endswith("S3Storage")


# The bucket: moto's S3 server on localhost ------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> Any:
    """A new bucket, private as buckets are."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )


def use_bucket(
    settings: Settings, env: pytest.MonkeyPatch, endpoint: str, bucket: str, **more: str
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": configure(
            env,
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_REGION_NAME=REGION,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="test-key",
            AWS_SECRET_ACCESS_KEY="test-secret",
            **more,
        ),
    }


def logo_upload(format: str = "PNG", name: str = "logo.png") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGBA" if format != "JPEG" else "RGB", (64, 64), "red").save(output, format)
    return SimpleUploadedFile(name, output.getvalue())


@pytest.fixture
def in_bucket(settings: Settings, env: pytest.MonkeyPatch, s3_endpoint: str, bucket: str) -> str:
    use_bucket(settings, env, s3_endpoint, bucket)
    return bucket


@pytest.mark.django_db
def test_a_company_logo_is_uploaded_to_the_bucket_with_its_headers(
    in_bucket: str, s3_endpoint: str
) -> None:
    company = CompanyFactory(slug="thistle")
    company.logo = prepare_logo(logo_upload())  # type: ignore[assignment]
    company_save(company=company)

    stored = s3_client(s3_endpoint).get_object(Bucket=in_bucket, Key=company.logo.name)

    assert company.logo.name.startswith("logos/")
    assert Image.open(io.BytesIO(stored["Body"].read())).format == "PNG"
    assert stored["ContentType"] == "image/png"
    assert stored["ContentDisposition"] == "attachment"
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("format", "content_type"), [("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_each_format_is_stored_with_its_content_type(
    in_bucket: str, s3_endpoint: str, format: str, content_type: str
) -> None:
    # django-storages takes the type from the name's extension, which prepare_logo derives from
    # the decoded format (the uploaded name says .png for all three here).
    logo = prepare_logo(logo_upload(format))
    name = default_storage.save(f"logos/{logo.name}", logo)

    stored = s3_client(s3_endpoint).head_object(Bucket=in_bucket, Key=name)

    assert stored["ContentType"] == content_type


def test_objects_get_no_public_grant(in_bucket: str, s3_endpoint: str) -> None:
    logo = prepare_logo(logo_upload())
    name = default_storage.save(f"logos/{logo.name}", logo)

    grants = s3_client(s3_endpoint).get_object_acl(Bucket=in_bucket, Key=name)["Grants"]

    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"  # the owner, not AllUsers


def test_a_stored_logo_reads_back_the_same(in_bucket: str) -> None:
    logo = prepare_logo(logo_upload())
    content = logo.read()
    name = default_storage.save(f"logos/{logo.name}", logo)

    with default_storage.open(name) as stored:
        assert stored.read() == content
    assert name == f"logos/{logo.name}"


def test_without_a_custom_domain_urls_are_signed_and_point_at_the_bucket(
    in_bucket: str, s3_endpoint: str
) -> None:
    logo = prepare_logo(logo_upload())
    content = logo.read()
    name = default_storage.save(f"logos/{logo.name}", logo)

    url = default_storage.url(name)

    assert url.startswith(f"{s3_endpoint}/{in_bucket}/{name}?")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=3600" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
        assert response.headers["Content-Type"] == "image/png"
        assert response.read() == content


@pytest.mark.django_db
def test_with_a_custom_domain_cards_and_profiles_use_plain_urls_there(
    settings: Settings, env: pytest.MonkeyPatch, s3_endpoint: str, bucket: str, client: Any
) -> None:
    use_bucket(settings, env, s3_endpoint, bucket, AWS_S3_CUSTOM_DOMAIN="media.directory.example")
    company = CompanyFactory(slug="thistle", capabilities=[CapabilityFactory()])
    company.logo = prepare_logo(logo_upload())  # type: ignore[assignment]
    company_save(company=company)
    url = f"https://media.directory.example/{company.logo.name}"

    assert [card.logo_url for card in company_cards([company.pk])] == [url]
    assert f'src="{url}"' in client.get(company.get_absolute_url()).text


@pytest.mark.django_db
def test_a_replaced_logo_is_deleted_from_the_bucket(in_bucket: str, s3_endpoint: str) -> None:
    company = CompanyFactory(slug="thistle")
    company.logo = prepare_logo(logo_upload())  # type: ignore[assignment]
    company_save(company=company)
    old = company.logo.name

    company.logo = prepare_logo(logo_upload("JPEG"))  # type: ignore[assignment]
    company_save(company=company)

    listed = s3_client(s3_endpoint).list_objects_v2(Bucket=in_bucket)["Contents"]
    assert [item["Key"] for item in listed] == [company.logo.name]
    assert Company.objects.get(pk=company.pk).logo.name != old
