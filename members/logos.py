"""Company logos: every upload is decoded and drawn again before anything is stored.

``prepare_logo`` is the one way a logo gets in (the admin's company form and the member area use
``LogoField``, which calls it). The stored file is never the uploaded bytes: it is a new JPEG, PNG
or WebP encoded from the decoded pixels alone, so whatever rode along in the upload (EXIF with a
location, colour profiles, comments, a second file appended after the image, a script in a text
chunk) is gone, and the name is a random one with the extension of the real format.

What a member may upload is judged by decoding with Pillow, never by the file name or the
browser's content type. A name that disagrees with the content (``logo.png`` that is a JPEG) is
accepted and corrected: the uploaded name is never used, so the mismatch carries nothing into
storage, and refusing would only puzzle the member whose tool mislabelled the file. Data after
the image (polyglots) is dropped by the re-encode, not refused, for the same reason: phones write
legitimate trailers after a JPEG's end.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# Cards show logos at 56 px and profiles at 80 px; 512 leaves room for high-density screens.
DISPLAY_BOX = (512, 512)

# Pillow's name of an accepted format -> the format written and the stored file's extension.
# Only these three are ever decoded (Image.open(formats=...)): SVG, GIF, BMP, TIFF, ICO and the
# rest never reach a decoder. MPO is how Pillow names a JPEG with more pictures after the first
# (phones, 3D cameras); the first picture is the logo.
WRITTEN_AS = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
}
DECODERS = ["JPEG", "PNG", "WEBP"]
# The extensions of stored logos: deploy/Caddyfile serves these and nothing else from /media/.
EXTENSIONS = sorted({extension for _, extension in WRITTEN_AS.values()})
ENCODER_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 6},
}

MESSAGES = {
    "empty": "The file is empty. Choose the logo file again.",
    "too_big": "The logo file is larger than 2 MB ({size}). Save a smaller version and upload it.",
    "svg": (
        "SVG logos cannot be accepted. Export the logo as a PNG (which keeps a transparent "
        "background) and upload that."
    ),
    "not_an_image": (
        "This file is not a JPEG, PNG or WebP image. Save the logo in one of those formats and "
        "upload it again."
    ),
    "too_many_pixels": (
        "The logo is {width:,} by {height:,} pixels. It must be at most 4,000 by 4,000 pixels."
    ),
    "bomb": (
        "This image says it is far larger than 4,000 by 4,000 pixels, so it was not opened. "
        "Upload a smaller image."
    ),
    "damaged": (
        "This image could not be read: the file is damaged or incomplete. Save it again and "
        "upload the new file."
    ),
}
ACCEPT = "image/jpeg,image/png,image/webp"
HELP_TEXT = (
    "A JPEG, PNG or WebP image of at most 2 MB and 4,000 by 4,000 pixels. It is shown at up to "
    "512 by 512 pixels; a PNG or WebP keeps a transparent background."
)

ORIENTATION_FIXES = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
SIXTEEN_BIT_GREY = {"I", "I;16", "I;16B", "I;16L"}
# The modes whose colour profile LittleCMS can apply directly.
PROFILE_MODES = {"RGB", "RGBA", "CMYK", "L"}
SRGB = ImageCms.createProfile("sRGB")


def refusal(code: str, **values: object) -> ValidationError:
    return ValidationError(MESSAGES[code].format(**values), code=code)


def prepare_logo(upload: File) -> ContentFile[bytes]:
    """The logo to store for this upload, or ValidationError saying why it cannot be one.

    Returns a new file (JPEG, PNG or WebP as uploaded) fitted within DISPLAY_BOX, never enlarged,
    turned upright, in sRGB, without metadata or a second frame, named ``<uuid>.<extension>``.
    """
    data = _read(upload)
    image = _open(data)
    try:
        written_as, extension = WRITTEN_AS[image.format or ""]
        pixels = _decode(image)
    finally:
        image.close()
    output = io.BytesIO()
    pixels.save(output, written_as, **ENCODER_OPTIONS[written_as])
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _read(upload: File) -> bytes:
    """The upload's bytes, refusing empty and oversized files before reading much."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise refusal("too_big", size=filesizeformat(upload.size))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise refusal("empty")
    if len(data) > MAX_BYTES:  # its size said otherwise
        raise refusal("too_big", size=f"more than {filesizeformat(MAX_BYTES)}")
    return data


def _open(data: bytes) -> Image.Image:
    """Read the header only: format and size, checked before a single pixel is decoded."""
    try:
        # Pillow refuses more than twice MAX_IMAGE_PIXELS itself and only warns above it: a
        # warning is no refusal, so it is made an error here. (catch_warnings changes the
        # process's filters for a moment; gunicorn's workers run one request at a time.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refusal("bomb") from None
    except UnidentifiedImageError:
        raise refusal("svg" if _looks_like_svg(data) else "not_an_image") from None
    except Exception:  # Pillow reports malformed headers through many exception types
        raise refusal("damaged") from None
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE:
        image.close()
        raise refusal("too_many_pixels", width=width, height=height)
    return image


def _looks_like_svg(data: bytes) -> bool:
    """Only for a more helpful message: an SVG is refused like any other non-image."""
    start = data[:2048].lstrip().lower()
    return start.startswith((b"<svg", b"<?xml", b"<!doctype svg")) and b"<svg" in start


def _decode(image: Image.Image) -> Image.Image:
    """The first frame's pixels, upright, in sRGB, resized: a new image without metadata."""
    try:
        orientation = _orientation(image)
        # A large JPEG can be decoded at a fraction of its size when that still covers the box.
        image.draft(None, (DISPLAY_BOX[0] * 2, DISPLAY_BOX[1] * 2))
        image.load()  # the full decode: a truncated or corrupt file fails here
        pixels = _in_srgb(image)
        pixels.thumbnail(DISPLAY_BOX, Image.Resampling.LANCZOS)  # shrinks only, keeps the ratio
    except Exception:  # Pillow reports broken image data through many exception types
        raise refusal("damaged") from None
    if orientation in ORIENTATION_FIXES:
        pixels = pixels.transpose(ORIENTATION_FIXES[orientation])
    # Only the pixels travel on: Pillow's encoders copy some metadata (a JPEG's comment, a PNG's
    # colour profile) from an image's info unless it is gone.
    return Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # a broken EXIF block only loses the rotation, not the logo
        return 1


def _in_srgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has transparency, with its colour profile applied."""
    profile = image.info.get("icc_profile")
    mode = "RGBA" if image.mode in ALPHA_MODES or "transparency" in image.info else "RGB"
    if image.mode in SIXTEEN_BIT_GREY:  # scaled to 8 bits: a plain conversion would clip to white
        image = image.point(lambda value: value / 256).convert("L")
    if (mode == "RGBA" and image.mode != "RGBA") or image.mode not in PROFILE_MODES:
        # Palettes and transparency: the colours stay in the profile's space.
        image = image.convert(mode)
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # unusable or for other pixels: the colours are taken as they are
        if converted is not None:
            return converted
    return image.convert(mode)


def delete_after_commit(storage: Storage, name: str | None) -> None:
    """Delete a stored file once the transaction that stopped using it has committed.

    Never before: until the commit the old row (and its file) is what everyone else sees, and a
    rollback must find the file still there. A failed delete leaves an unused file behind, which
    is logged rather than turned into an error for a change that has already been saved.
    """
    if not name:
        return

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete the replaced logo %s", name)

    transaction.on_commit(delete)


class LogoField(forms.FileField):
    """A form field whose cleaned value is ``prepare_logo``'s file, ready to assign and save.

    A refused upload never reaches ``cleaned_data``, so a ModelForm leaves the instance's current
    logo as it is; the old file goes only when the company is saved with the new one
    (``members.services.company_save``).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["allow_empty_file"] = True  # prepare_logo refuses it, with its own message
        if not kwargs.get("help_text"):
            kwargs["help_text"] = HELP_TEXT
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT  # the file picker offers these; no check relies on it
        return attrs

    def to_python(self, data: Any) -> ContentFile[bytes] | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return prepare_logo(upload)
