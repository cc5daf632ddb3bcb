"""Logo uploads: members.logos.prepare_logo accepts JPEG, PNG and WebP, re-encoded and stripped.

Every image is made here with Pillow; polyglots and broken files are built from those bytes.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from members.logos import MAX_BYTES, LogoField, prepare_logo

RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
SECRET = b"SecretCam-9Z"  # a marker that must never survive into a stored logo
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def image_bytes(
    format: str,
    size: tuple[int, int] = (64, 32),
    mode: str = "RGB",
    color: object = (200, 30, 40),
    **options: object,
) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, color).save(output, format, **options)  # type: ignore[arg-type]
    return output.getvalue()


def upload(data: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def prepared(data: bytes, name: str = "logo.png") -> Image.Image:
    logo = prepare_logo(upload(data, name))
    image = Image.open(io.BytesIO(logo.read()))
    image.load()
    return image


def refusal(data: bytes, name: str = "logo.png") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        prepare_logo(upload(data, name))
    return caught.value


def exif_with_secrets(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET.decode()
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    return exif.tobytes()


def swapped_rgb_profile() -> bytes:
    """An ICC v2 RGB profile whose red is sRGB's blue and whose blue is sRGB's red.

    Pillow can only make sRGB, LAB and XYZ profiles; this one proves that a logo's colours are
    converted through its profile, not just stripped of it.
    """

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(struct.pack(">i", round(v * 65536)) for v in (x, y, z))

    linear = b"curv\0\0\0\0" + struct.pack(">IH", 1, 256) + b"\0\0"  # gamma 1.0
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*blue)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*red)),
        (b"rTRC", linear),
        (b"gTRC", linear),
        (b"bTRC", linear),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + xyz(0.9642, 1.0, 0.8249)[8:]
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def with_png_size(data: bytes, width: int, height: int) -> bytes:
    """A PNG whose header claims another size (with a correct checksum); the pixels stay small."""
    assert data[12:16] == b"IHDR"  # signature, then the header chunk: width, height, 5 bytes
    header = struct.pack(">II", width, height) + data[24:29]
    checksum = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return data[:16] + header + checksum + data[33:]


# Accepted ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_each_accepted_format_is_stored_in_its_own_format(format: str, extension: str) -> None:
    logo = prepare_logo(upload(image_bytes(format), f"company logo.{extension}"))

    assert isinstance(logo, ContentFile)
    assert logo.name.endswith(f".{extension}")
    image = Image.open(io.BytesIO(logo.read()))
    assert image.format == format
    assert image.size == (64, 32)


def test_the_stored_name_is_random_and_never_the_uploaded_one() -> None:
    data = image_bytes("PNG")

    first = prepare_logo(upload(data, "../../etc/evil name.png"))
    second = prepare_logo(upload(data, "../../etc/evil name.png"))

    assert RANDOM_NAME.match(first.name)
    assert RANDOM_NAME.match(second.name)
    assert first.name != second.name


@pytest.mark.parametrize(
    ("format", "uploaded_as", "stored_as"),
    [("JPEG", "logo.png", "jpg"), ("PNG", "logo.jpg", "png"), ("WEBP", "logo.html", "webp")],
)
def test_a_wrong_extension_is_corrected_from_the_real_format(
    format: str, uploaded_as: str, stored_as: str
) -> None:
    logo = prepare_logo(upload(image_bytes(format), uploaded_as))

    assert logo.name.endswith(f".{stored_as}")
    assert Image.open(io.BytesIO(logo.read())).format == format


def test_a_large_logo_is_fitted_within_512_pixels_keeping_its_shape() -> None:
    assert prepared(image_bytes("PNG", (2000, 1000))).size == (512, 256)
    assert prepared(image_bytes("JPEG", (300, 1200))).size == (128, 512)


def test_a_small_logo_is_never_enlarged() -> None:
    assert prepared(image_bytes("PNG", (100, 50))).size == (100, 50)


def test_an_image_of_exactly_4000_pixels_a_side_is_accepted() -> None:
    assert prepared(image_bytes("PNG", (4000, 4000))).size == (512, 512)


def test_a_photo_taken_sideways_is_turned_upright() -> None:
    # Orientation 6: the camera stored it on its side; viewers rotate it 90 degrees clockwise.
    data = image_bytes("JPEG", (80, 40), exif=exif_with_secrets(orientation=6))

    assert prepared(data).size == (40, 80)


# Metadata, transparency, animation --------------------------------------------------------------


def test_a_jpegs_exif_colour_profile_and_comment_are_removed() -> None:
    data = image_bytes(
        "JPEG", exif=exif_with_secrets(), icc_profile=SRGB_PROFILE, comment=b"by " + SECRET
    )
    assert SECRET in data and Image.open(io.BytesIO(data)).getexif()  # the test's own input

    logo = prepare_logo(upload(data))
    stored = logo.read()
    image = Image.open(io.BytesIO(stored))

    assert SECRET not in stored
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert "comment" not in image.info


def test_a_pngs_text_chunks_exif_and_colour_profile_are_removed() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "<script>alert(1)</script>" + SECRET.decode())
    data = image_bytes("PNG", pnginfo=text, exif=exif_with_secrets(), icc_profile=SRGB_PROFILE)
    assert SECRET in data and b"<script" in data and b"iCCP" in data  # the test's own input

    stored = prepare_logo(upload(data)).read()
    image = Image.open(io.BytesIO(stored))

    assert SECRET not in stored
    assert b"<script" not in stored
    assert not image.getexif()
    assert not getattr(image, "text", {})
    assert "icc_profile" not in image.info


def test_a_webps_exif_and_colour_profile_are_removed() -> None:
    data = image_bytes("WEBP", exif=exif_with_secrets(), icc_profile=SRGB_PROFILE)
    assert SECRET in data and b"ICCP" in data  # the test's own input

    stored = prepare_logo(upload(data)).read()
    image = Image.open(io.BytesIO(stored))

    assert SECRET not in stored
    assert not image.getexif()
    assert "icc_profile" not in image.info


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_colours_are_converted_to_srgb_through_the_images_profile(format: str) -> None:
    # Pure red in a profile whose red is sRGB's blue: shown right, it is blue.
    data = image_bytes(format, color=(255, 0, 0), icc_profile=swapped_rgb_profile())

    image = prepared(data)

    assert "icc_profile" not in image.info
    red, green, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
    assert red < 30 and green < 30 and blue > 200


def test_an_unusable_colour_profile_is_dropped_and_the_logo_kept() -> None:
    data = image_bytes("PNG", color=(255, 0, 0), icc_profile=b"not a colour profile at all")

    image = prepared(data)

    assert "icc_profile" not in image.info
    assert image.getpixel((10, 10)) == (255, 0, 0)


def test_a_cmyk_jpeg_is_stored_as_rgb() -> None:
    image = prepared(image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0)))

    assert image.mode == "RGB"
    red, green, blue = image.getpixel((10, 10))  # type: ignore[misc]
    assert red > 200 and green < 60 and blue < 60


def test_a_16_bit_grey_png_keeps_its_shade() -> None:
    image = prepared(image_bytes("PNG", mode="I;16", color=32768))

    assert image.getpixel((10, 10)) == (128, 128, 128)


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_a_transparent_logo_keeps_its_transparency(format: str) -> None:
    image = prepared(image_bytes(format, mode="RGBA", color=(0, 0, 255, 0)))

    assert image.format == format
    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0  # type: ignore[index]


def test_a_palette_png_with_a_transparent_colour_keeps_it() -> None:
    palette = Image.new("P", (64, 32), 1)
    palette.putpalette([255, 255, 255, 200, 30, 40] + [0, 0, 0] * 254)
    output = io.BytesIO()
    palette.save(output, "PNG", transparency=1)

    image = prepared(output.getvalue())

    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0  # type: ignore[index]


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_an_animation_keeps_only_its_first_frame(format: str) -> None:
    frames = [Image.new("RGB", (40, 40), color) for color in ("red", "lime", "blue")]
    output = io.BytesIO()
    frames[0].save(output, format, save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(output.getvalue())).n_frames == 3  # the test's own input

    image = prepared(output.getvalue())

    assert getattr(image, "n_frames", 1) == 1
    red, green, blue = image.convert("RGB").getpixel((20, 20))  # type: ignore[misc]
    assert red > 200 and green < 60 and blue < 60


def test_a_jpeg_with_more_pictures_after_it_keeps_only_the_first() -> None:
    # MPO: how phones and 3D cameras store several pictures in one JPEG file.
    first, second = Image.new("RGB", (40, 40), "red"), Image.new("RGB", (40, 40), "blue")
    output = io.BytesIO()
    first.save(output, "MPO", save_all=True, append_images=[second])

    logo = prepare_logo(upload(output.getvalue(), "photo.jpg"))
    image = Image.open(io.BytesIO(logo.read()))

    assert logo.name.endswith(".jpg")
    assert image.format == "JPEG"
    assert getattr(image, "n_frames", 1) == 1


# Polyglots: stripped, not refused ---------------------------------------------------------------


def zip_archive() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    return output.getvalue()


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    "trailer",
    [b"<html><script>alert(document.cookie)</script></html>", zip_archive()],
    ids=["html", "zip"],
)
def test_data_after_the_image_is_dropped(format: str, trailer: bytes) -> None:
    polyglot = image_bytes(format) + trailer
    assert zipfile.is_zipfile(io.BytesIO(polyglot)) == trailer.startswith(b"PK")

    stored = prepare_logo(upload(polyglot)).read()

    assert b"<script" not in stored
    assert b"PK\x03\x04" not in stored
    assert not zipfile.is_zipfile(io.BytesIO(stored))
    assert Image.open(io.BytesIO(stored)).format == format


def test_a_file_of_exactly_2_mb_is_accepted() -> None:
    data = image_bytes("PNG")
    padded = data + b"\0" * (MAX_BYTES - len(data))

    assert len(prepare_logo(upload(padded)).read()) < 1000


# Refused, each with its message ---------------------------------------------------------------

NOT_AN_IMAGE = (
    "This file is not a JPEG, PNG or WebP image. Save the logo in one of those formats and "
    "upload it again."
)
DAMAGED = (
    "This image could not be read: the file is damaged or incomplete. Save it again and upload "
    "the new file."
)
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def test_an_empty_file_is_refused() -> None:
    error = refusal(b"")

    assert error.messages == ["The file is empty. Choose the logo file again."]
    assert error.code == "empty"


def test_a_file_over_2_mb_is_refused_by_its_size() -> None:
    data = image_bytes("PNG")
    error = refusal(data + b"\0" * (3 * 1024 * 1024 - len(data)))

    assert error.messages == [
        "The logo file is larger than 2 MB (3.0\xa0MB). Save a smaller version and upload it."
    ]


def test_a_file_one_byte_over_2_mb_is_refused() -> None:
    data = image_bytes("PNG")

    assert refusal(data + b"\0" * (MAX_BYTES + 1 - len(data))).code == "too_big"


def test_a_file_whose_reported_size_is_wrong_is_still_measured() -> None:
    file = upload(b"\0" * (MAX_BYTES + 10))
    file.size = 100  # what a stream that misreports itself would say

    with pytest.raises(ValidationError) as caught:
        prepare_logo(file)

    assert caught.value.code == "too_big"


def test_an_svg_is_refused_with_advice_to_export_a_png() -> None:
    error = refusal(SVG, "logo.svg")

    assert error.messages == [
        "SVG logos cannot be accepted. Export the logo as a PNG (which keeps a transparent "
        "background) and upload that."
    ]


def test_an_svg_renamed_png_is_refused_the_same_way() -> None:
    assert refusal(SVG.split(b"\n", 1)[1], "logo.png").code == "svg"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!doctype html><html><script>alert(1)</script></html>", "logo.html"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "logo.png"),
        (b"Our logo is a thistle.\n", "logo.png"),
        (b"\x89PNG\r\n\x1a\n but nothing after the signature", "logo.png"),
        (image_bytes("GIF"), "logo.gif"),
        (image_bytes("BMP"), "logo.png"),
        (image_bytes("TIFF"), "logo.jpg"),
        (b"<html>" + image_bytes("PNG"), "logo.png"),  # a page first: not an image at all
    ],
    ids=[
        "html",
        "html-as-png",
        "text-as-png",
        "png-signature-only",
        "gif",
        "bmp",
        "tiff",
        "html+png",
    ],
)
def test_anything_but_a_jpeg_png_or_webp_is_refused(data: bytes, name: str) -> None:
    error = refusal(data, name)

    assert error.messages == [NOT_AN_IMAGE]


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(format: str) -> None:
    # Noise, so that the pixel data is most of the file and cutting it loses pixels.
    noise = Image.frombytes("RGB", (64, 64), bytes(range(256)) * 48)
    output = io.BytesIO()
    noise.save(output, format)
    data = output.getvalue()

    assert refusal(data[: len(data) * 2 // 3]).messages == [DAMAGED]


def test_an_image_wider_than_4000_pixels_is_refused() -> None:
    error = refusal(image_bytes("PNG", (4001, 10)))

    assert error.messages == [
        "The logo is 4,001 by 10 pixels. It must be at most 4,000 by 4,000 pixels."
    ]


def test_an_image_taller_than_4000_pixels_is_refused() -> None:
    assert refusal(image_bytes("JPEG", (10, 4001))).code == "too_many_pixels"


def test_the_pixel_limit_is_checked_before_any_pixel_is_decoded() -> None:
    # The header says 5,000 x 5,000 but the data holds 10 x 10 pixels: a decode would fail
    # as "damaged", so the size message proves the header was judged first.
    data = with_png_size(image_bytes("PNG", (10, 10)), 5000, 5000)

    assert refusal(data).messages == [
        "The logo is 5,000 by 5,000 pixels. It must be at most 4,000 by 4,000 pixels."
    ]


@pytest.mark.parametrize(
    "side",
    [
        10_000,  # 100 million pixels: over Pillow's MAX_IMAGE_PIXELS, where it only warns
        20_000,  # 400 million: over twice it, where Pillow raises DecompressionBombError
    ],
)
# As in production, where a warning is not an error (pytest's settings here make it one).
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side: int) -> None:
    data = with_png_size(image_bytes("PNG", (10, 10)), side, side)

    error = refusal(data)

    assert error.code == "bomb"
    assert error.messages == [
        "This image says it is far larger than 4,000 by 4,000 pixels, so it was not opened. "
        "Upload a smaller image."
    ]


# The form field -------------------------------------------------------------------------------


def test_the_form_field_cleans_an_upload_into_the_prepared_logo() -> None:
    field = LogoField(required=False)

    cleaned = field.clean(upload(image_bytes("PNG", (1000, 1000))))

    assert isinstance(cleaned, ContentFile)
    assert RANDOM_NAME.match(cleaned.name)
    assert Image.open(io.BytesIO(cleaned.read())).size == (512, 512)


def test_the_form_field_gives_the_refusal_message() -> None:
    with pytest.raises(ValidationError) as caught:
        LogoField(required=False).clean(upload(b"", "empty.png"))

    assert caught.value.messages == ["The file is empty. Choose the logo file again."]


def test_the_form_field_keeps_the_current_logo_when_nothing_is_uploaded() -> None:
    assert LogoField(required=False).clean(None, "logos/current.png") == "logos/current.png"


def test_the_file_picker_offers_the_accepted_formats() -> None:
    html = LogoField(required=False).widget.render("logo", None)

    assert 'accept="image/jpeg,image/png,image/webp"' in html
