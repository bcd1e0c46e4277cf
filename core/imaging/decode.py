"""Turn whatever bytes a phone or laptop sends into a clean 8-bit RGB array.

Every photo the app or the training pipeline sees passes through
:func:`decode_image` and :func:`resize_for_model`, so a picture is never
prepared two different ways. Everything happens in memory: an upload is
never written to disk.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

try:  # HEIC/HEIF (iPhone photos); optional so a minimal install still works.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - exercised only without pillow-heif
    HEIF_SUPPORTED = False


# Pillow must never "repair" a truncated file silently: a half-decoded photo
# would be classified as if it were whole.
ImageFile.LOAD_TRUNCATED_IMAGES = False


#: Largest decoded image, in pixels (a 50-megapixel photo). Larger files are
#: refused as possible decompression bombs before any pixel is decoded, except
#: JPEGs up to JPEG_OVERSIZE times larger, which are decoded at reduced scale.
MAX_PIXELS = 50_000_000


#: A JPEG may declare up to this many times MAX_PIXELS: it is then decoded at
#: 1/2 scale (DCT scaling) so the decoded photo stays within MAX_PIXELS. This
#: admits the 108-megapixel mode of some phones (12000×9000).
JPEG_OVERSIZE = 3


#: Largest upload accepted, in bytes: 50 MB as Streamlit counts them
#: (``server.maxUploadSize = 50`` in .streamlit/config.toml, 1 MB = 2**20 bytes).
MAX_BYTES = 50 * 1024 * 1024

SUPPORTED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF", "MPO", "HEIF")


# Only these decoders ever see an upload. Pillow knows about 40 formats, some
# with weak signatures (a text file can pass for a TGA) and some that run
# external programs (EPS calls Ghostscript); none of them is a phone photo.
Image.init()


_OPENERS = [name for name in SUPPORTED_FORMATS if name in Image.OPEN]

NOT_AN_IMAGE = "This file is not a JPEG, PNG, WebP, BMP, GIF, TIFF or HEIC image."

EMPTY_FILE = "The file is empty (0 bytes)."

TRUNCATED = "The image file is truncated: it ends before all of its pixels are stored."

TOO_LARGE = "The image is too large"  # every pixel-limit message starts like this

DAMAGED = "The image file is damaged and cannot be decoded"  # followed by the decoder's reason

DAMAGED_HEADER = "The file starts like a {} image but its header is damaged or cut short."

#: ISO base media brands of HEIC/HEIF photos (the ``ftyp`` box at byte 4).
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


# EXIF orientation -> the transposition that makes the stored pixels upright
# (EXIF 2.3, tag 0x0112). Pillow's ROTATE_* turn counter-clockwise.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# What each orientation means for a learner: how the file stores the photo, and what we did.
_ORIENTATION_NOTES = {
    2: "mirrored; it was flipped left to right",
    3: "upside down; it was rotated 180°",
    4: "upside down and mirrored; it was flipped top to bottom",
    5: "sideways and mirrored; it was flipped along its main diagonal",
    6: "sideways; it was rotated 90° clockwise",
    7: "sideways and mirrored; it was flipped along its other diagonal",
    8: "sideways; it was rotated 90° counter-clockwise",
}


class ImageLoadError(ValueError):
    """A file that cannot be used as a photo, with a one-line reason for people."""


@dataclass(frozen=True)
class DecodedImage:
    """A photo decoded, upright and converted to 8-bit RGB."""

    pixels: np.ndarray  # (height, width, 3) uint8
    format: str  # what the file really is, e.g. "JPEG" (not what its name says)
    original_size: tuple[int, int]  # (width, height) as stored in the file, before rotation
    orientation: int  # EXIF orientation tag found (1 = already upright)
    original_mode: str  # Pillow mode before conversion, e.g. "CMYK", "I;16"
    frame_count: int = 1
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_large(width: int | None, height: int | None, pixels: int, max_pixels: int) -> ImageLoadError:
    size = f"{width}×{height} = " if width and height else ""
    return ImageLoadError(f"{TOO_LARGE}: {size}{pixels:,} pixels; the limit is {max_pixels:,} pixels.")


def _signature_format(data: bytes) -> str:
    """The supported format whose magic bytes ``data`` starts with, or ""."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIC"
    if data[:2] == b"BM" and len(data) >= 26:
        return "BMP"
    return ""


def _is_cut_short(data: bytes) -> bool:
    """Whether a container that states its own length is shorter than it says."""
    if data[:4] == b"RIFF" and len(data) >= 8:  # WebP: RIFF size counts the bytes after byte 8
        return len(data) < int.from_bytes(data[4:8], "little") + 8
    return False


def _decode_error(error: BaseException, data: bytes) -> ImageLoadError:
    message = str(error).lower()
    if (
        isinstance(error, EOFError)
        or any(word in message for word in ("truncated", "premature", "end of file"))
        or _is_cut_short(data)
    ):
        return ImageLoadError(TRUNCATED)
    return ImageLoadError(f"{DAMAGED} ({_one_line(error, 80)}).")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header only; refuse anything unusable before decoding a pixel."""
    if not data:
        raise ImageLoadError(EMPTY_FILE)
    if len(data) > MAX_BYTES:
        raise ImageLoadError(
            f"The file is too large: {len(data):,} bytes; the limit is {MAX_BYTES // 2**20} MB ({MAX_BYTES:,} bytes)."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns above 89 megapixels; our own, lower limit is checked below.
            # Pillow also warns about odd EXIF or TIFF tags, which a user cannot act on.
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data), formats=_OPENERS)
    except UnidentifiedImageError:
        looks_like = _signature_format(data)
        if looks_like:
            # Right signature, unreadable header: a damaged or cut-off photo, not a text file.
            raise ImageLoadError(f"{DAMAGED_HEADER.format(looks_like)}") from None
        raise ImageLoadError(NOT_AN_IMAGE) from None
    except Image.DecompressionBombError as error:
        # Pillow refuses above 179 megapixels before we see the size; its
        # message holds the pixel count the header declares.
        found = re.search(r"\((\d+) pixels\)", str(error))
        limit = max_pixels * (JPEG_OVERSIZE if _signature_format(data) == "JPEG" else 1)
        raise _too_large(None, None, int(found.group(1)) if found else 0, limit) from None
    except Exception as error:  # Pillow raises many types on malformed headers.
        # Only a decoder whose signature matched gets this far (WebP decodes on open).
        raise _decode_error(error, data) from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageLoadError("The image has no pixels (its width or height is 0).")
    limit = max_pixels
    if (image.format or "").upper() in ("JPEG", "MPO"):
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale (see _memory_scale), so
        # a 108-megapixel phone photo still fits; the ceiling bounds the work.
        limit = max_pixels * JPEG_OVERSIZE
    if width * height > limit:
        raise _too_large(width, height, width * height, limit)
    return image


def _memory_scale(width: int, height: int, max_pixels: int) -> int:
    """The smallest JPEG scale-down (1, 2, 4, 8) that brings the photo within ``max_pixels``."""
    for scale in (1, 2, 4, 8):
        if -(-width // scale) * -(-height // scale) <= max_pixels:
            return scale
    raise _too_large(width, height, width * height, max_pixels)  # unreachable below 64 × the limit


def _exif_orientation(image: Image.Image) -> int:
    """The EXIF orientation tag (1..8), or 1 when missing, invalid or unreadable."""
    try:
        orientation = int(image.getexif().get(0x0112, 1))
    except Exception:  # A broken EXIF block must not cost the photo.
        return 1
    return orientation if 1 <= orientation <= 8 else 1


def _orientation(image: Image.Image) -> tuple[int, bool]:
    """(orientation found, whether the decoder turns the photo upright by itself)."""
    # pillow-heif turns HEIC photos upright on open and keeps the original tag here.
    heif_orientation = image.info.get("original_orientation")
    if isinstance(heif_orientation, int) and 1 <= heif_orientation <= 8:
        return heif_orientation, True
    return _exif_orientation(image), False


def _frame_note(file_format: str, frame_count: int) -> str:
    if file_format == "TIFF":
        return f"Multi-page TIFF with {frame_count} pages: the first page is used."
    if file_format == "MPO":
        return f"Multi-picture JPEG with {frame_count} pictures: the first (main) picture is used."
    if file_format == "HEIF":
        return f"HEIC file with {frame_count} pictures: the main picture is used."
    return f"Animated image with {frame_count} frames: the first frame is used."


def _gray_to_rgb(gray: np.ndarray) -> Image.Image:
    return Image.fromarray(np.repeat(gray[..., None], 3, axis=-1))


def _scale_wide_gray(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer and float grayscale to 8-bit RGB, scaled (not clipped)."""
    values = np.asarray(image, dtype=np.float64)
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 0.0
    if image.mode.startswith("I;16"):
        scaled = values / 257.0  # 65535 -> 255 exactly, 257 -> 1
    elif image.mode == "F" and low >= 0.0 and high <= 1.0:
        scaled = values * 255.0  # the usual 0..1 float convention
    elif low >= 0.0 and high <= 255.0:
        scaled = values  # 8-bit values stored in a wide type
    elif image.mode == "I" and low >= 0.0 and high <= 65535.0:
        scaled = values / 257.0  # 16-bit values stored as 32-bit
    else:
        # Anything else (negative values, 32-bit range): stretch min..max.
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0.0
    scaled = np.nan_to_num(scaled, nan=0.0, posinf=255.0, neginf=0.0)
    return _gray_to_rgb(np.clip(np.floor(scaled + 0.5), 0, 255).astype(np.uint8))


def _to_rgb8(image: Image.Image) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB (transparency composited on white)."""
    mode = image.mode
    if mode in ("I", "F") or mode.startswith("I;16"):
        return _scale_wide_gray(image)
    if mode == "RGB" and "transparency" not in image.info:
        return image
    if mode == "RGBa":  # premultiplied alpha: undo it before compositing
        image = image.convert("RGBA")
    elif mode in ("P", "L", "RGB") and "transparency" in image.info:
        # A palette entry or a colour key marks transparent pixels.
        image = image.convert("RGBA")
    elif mode in ("LA", "La", "PA"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    try:
        return image.convert("RGB")
    except ValueError:  # a colour mode Pillow reads but cannot convert: not the file's fault
        raise ImageLoadError(f"Images in the {mode} colour mode cannot be converted to RGB.") from None


def decode_image(
    data: bytes,
    *,
    max_pixels: int = MAX_PIXELS,
    draft_size: tuple[int, int] | None = None,
) -> DecodedImage:
    """Decode image bytes to an upright 8-bit RGB array.

    ``draft_size`` (width, height) of the upright result lets Pillow's JPEG
    decoder scale by 1/2, 1/4 or 1/8 while decoding (DCT scaling), which makes
    a 12-megapixel photo several times faster to load when only a small
    version is needed. The result is never smaller than ``draft_size``.
    Other formats ignore it.

    Raises :class:`ImageLoadError` with a one-line message for anything unusable.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"decode_image needs the file's bytes, got {type(data).__name__}.")
    if max_pixels <= 0:
        raise ValueError(f"max_pixels must be positive, got {max_pixels}.")
    if draft_size is not None and (len(draft_size) != 2 or min(int(v) for v in draft_size) <= 0):
        raise ValueError(f"draft_size must be a positive (width, height), got {draft_size}.")
    image = _open(data, max_pixels)
    file_format = (image.format or "unknown").upper()
    original_size = image.size
    original_mode = image.mode
    notes: list[str] = []
    try:
        # Counting frames reads through the file, so a damaged one can fail here.
        frame_count = max(1, int(getattr(image, "n_frames", 1) or 1))
        if frame_count > 1:
            notes.append(_frame_note(file_format, frame_count))
            image.seek(0)
        # Read the tag before decoding: JPEG needs it to pick the draft size.
        orientation, decoder_turns = _orientation(image)
        if file_format in ("JPEG", "MPO"):
            stored_width, stored_height = image.size
            memory_scale = _memory_scale(stored_width, stored_height, max_pixels)
            # The request is in stored pixels: the smaller of what the caller
            # needs and what memory allows (the draft picks the largest scale
            # that keeps the result at least as big as the request).
            wanted = (-(-stored_width // memory_scale), -(-stored_height // memory_scale))
            if draft_size is not None:
                # Orientations 5-8 store the photo sideways: ask for the swapped size.
                width, height = int(draft_size[0]), int(draft_size[1])
                width, height = (width, height) if orientation < 5 else (height, width)
                wanted = (min(wanted[0], width), min(wanted[1], height))
            if draft_size is not None or memory_scale > 1:
                image.draft(image.mode, wanted)
            if memory_scale > 1 and draft_size is None:
                scale = round(stored_width / image.size[0])
                width, height = image.size if orientation < 5 else image.size[::-1]
                notes.append(
                    f"This {stored_width}×{stored_height} photo is over the {max_pixels / 1e6:g}-megapixel "
                    f"limit, so it was decoded at {width}×{height} (1/{scale} of its width and height)."
                )
        image.load()
        if orientation != 1 and not decoder_turns:
            # Pillow's TIFF decoder applies the tag itself and then removes it.
            decoder_turns = _exif_orientation(image) != orientation
        if decoder_turns:
            if orientation >= 5:  # the decoder reported the upright size from the start
                original_size = (original_size[1], original_size[0])
        elif orientation != 1:
            image = image.transpose(_UPRIGHT[orientation])
        if orientation != 1:
            notes.append(f"The file stores this photo {_ORIENTATION_NOTES[orientation]} to stand upright "
                         f"(EXIF orientation {orientation}).")
        if original_mode == "CMYK":
            notes.append("Printer colours (CMYK) converted to screen colours (RGB).")
        pixels = np.asarray(_to_rgb8(image), dtype=np.uint8)
    except ImageLoadError:
        raise
    except Image.DecompressionBombError:
        raise _too_large(original_size[0], original_size[1], original_size[0] * original_size[1],
                         max_pixels) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
        raise _decode_error(error, data) from None
    except MemoryError:
        raise ImageLoadError("There is not enough memory to decode this image.") from None
    except Exception as error:
        raise ImageLoadError(f"The image could not be decoded ({error.__class__.__name__}).") from None
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ImageLoadError("The image could not be converted to RGB.")
    return DecodedImage(
        pixels=np.ascontiguousarray(pixels),
        format=file_format,
        original_size=(int(original_size[0]), int(original_size[1])),
        orientation=orientation,
        original_mode=original_mode,
        frame_count=frame_count,
        notes=tuple(notes),
    )
