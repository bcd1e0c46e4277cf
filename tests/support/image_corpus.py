"""A corpus of good and bad image files, generated in memory, for tests/core/imaging/.

Every file is built from code (nothing is read from or written to disk) and
comes with what :func:`core.imaging.decode.decode_image` must make of it: the exact
upright size, format, mode and frame count, coloured probe pixels that must
land in given corners, or the exact error message.

The orientation expectations are written out by hand from the EXIF 2.3
definition of tag 0x0112 (not computed with Pillow), so they check Pillow's
and our rotation code independently.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.imaging import decode
from harness.phone_photos import (
    BACKGROUND,
    ORIENTATION_CORNERS,
    RED,
    WHITE,
    YELLOW,
    encode,
    exif_bytes,
    marker_scene,
    phone_photo_jpeg,
)
from tests.support.requirements import require


@dataclass(frozen=True)
class Probe:
    """The colour expected at pixel (x, y) of the decoded, upright image."""

    x: int
    y: int
    rgb: tuple[int, int, int]


@dataclass(frozen=True)
class GoodImage:
    """A file that must decode, and exactly what it must decode to."""

    name: str  # the name an upload would carry
    data: bytes
    format: str  # DecodedImage.format
    size: tuple[int, int]  # (width, height) after orientation
    original_mode: str
    orientation: int = 1
    frame_count: int = 1
    probes: tuple[Probe, ...] = ()
    tolerance: int = 0  # largest per-channel difference allowed at a probe (lossy formats)
    note: str = ""  # text that must appear in one of DecodedImage.notes


@dataclass(frozen=True)
class BadImage:
    """A file that must be refused with this message."""

    name: str
    data: bytes
    message: str
    exact: bool = True  # False: ``message`` is the start of the error message


# ---------------------------------------------------------------- builders


def corner_probes(width: int, height: int, block: int, corners: tuple[str, str]) -> tuple[Probe, ...]:
    """Probes at the centres of the red and yellow blocks of an upright ``width``×``height`` result."""
    near, far_x, far_y = block // 2, width - 1 - block // 2, height - 1 - block // 2
    position = {"TL": (near, near), "TR": (far_x, near), "BL": (near, far_y), "BR": (far_x, far_y)}
    return tuple(Probe(*position[corner], colour) for corner, colour in zip(corners, (RED, YELLOW)))


def luma(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The gray (ITU-R BT.601 luma) a colour becomes in a grayscale file, as RGB."""
    level = round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
    return (level, level, level)


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    return (height, width) if orientation >= 5 else (width, height)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width``×``height`` but which holds almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_header_only(width: int, height: int) -> bytes:
    """A JPEG whose frame header claims ``width``×``height`` and which holds no pixels."""
    components = bytes([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 8 + len(components), 8, height, width, 3) + components
    return b"\xff\xd8" + frame + b"\xff\xd9"


def _marker_good(name: str, data: bytes, fmt: str, mode: str, orientation: int = 1, tolerance: int = 0,
                 width: int = 60, height: int = 40, block: int = 12, **extra) -> GoodImage:
    size = upright_size(width, height, orientation)
    return GoodImage(
        name=name,
        data=data,
        format=fmt,
        size=size,
        original_mode=mode,
        orientation=orientation,
        probes=corner_probes(*size, block, ORIENTATION_CORNERS[orientation]),
        tolerance=tolerance,
        **extra,
    )


def _scene() -> Image.Image:
    return Image.fromarray(marker_scene())


def _jpeg_orientation(orientation: int) -> GoodImage:
    data = encode(_scene(), "JPEG", quality=95, exif=exif_bytes(orientation))
    note = f"EXIF orientation {orientation}" if orientation != 1 else ""
    return _marker_good(f"orientation_{orientation}.jpg", data, "JPEG", "RGB", orientation, tolerance=24, note=note)


def _rgba_scene() -> np.ndarray:
    """The marker scene with a transparent bottom-left block and a half-transparent black one."""
    rgba = np.dstack([marker_scene(), np.full((40, 60), 255, np.uint8)])
    rgba[28:, :12] = (0, 0, 0, 0)  # fully transparent: must become white
    rgba[28:, 48:] = (0, 0, 0, 128)  # half-transparent black on white: mid gray
    return rgba


RGBA_PROBES = corner_probes(60, 40, 12, ("TL", "TR")) + (
    Probe(6, 34, WHITE),
    Probe(54, 34, (127, 127, 127)),
    Probe(30, 20, BACKGROUND),
)


def _palette_png() -> GoodImage:
    # Palette index 0 is transparent; 1 red, 2 yellow, 3 background.
    indices = np.full((40, 60), 3, np.uint8)
    indices[:12, :12] = 1
    indices[:12, 48:] = 2
    indices[28:, :12] = 0
    image = Image.new("P", (60, 40))
    image.putdata(indices.ravel().tolist())
    image.putpalette([0, 0, 0, *RED, *YELLOW, *BACKGROUND] + [0] * (256 - 4) * 3)
    data = encode(image, "PNG", transparency=0)
    probes = corner_probes(60, 40, 12, ("TL", "TR")) + (Probe(6, 34, WHITE), Probe(30, 20, BACKGROUND))
    return GoodImage("palette_transparent.png", data, "PNG", (60, 40), "P", probes=probes)


def _gray(values: np.ndarray, name: str, fmt: str, mode: str, expected: list[int]) -> GoodImage:
    """A 1-row-per-value grayscale strip whose column x must decode to ``expected[x]`` gray."""
    image = Image.fromarray(values)
    assert image.mode == mode, (image.mode, mode)
    probes = tuple(Probe(x, 0, (level, level, level)) for x, level in enumerate(expected))
    return GoodImage(name, encode(image, fmt), fmt, (values.shape[1], values.shape[0]), mode, probes=probes)


def _animated_gif() -> GoodImage:
    frames = [Image.fromarray(marker_scene()).convert("P", palette=Image.Palette.ADAPTIVE)]
    for colour in ((20, 200, 20), (20, 20, 200)):
        frames.append(Image.new("RGB", (60, 40), colour).convert("P", palette=Image.Palette.ADAPTIVE))
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return _marker_good("animated.gif", data, "GIF", "P", frame_count=3, tolerance=8,
                        note="Animated image with 3 frames: the first frame is used.")


def _multipage_tiff() -> GoodImage:
    pages = [_scene(), Image.new("RGB", (60, 40), (0, 0, 0)), Image.new("RGB", (30, 30), (9, 9, 9))]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    return _marker_good("scan.tiff", data, "TIFF", "RGB", frame_count=3,
                        note="Multi-page TIFF with 3 pages: the first page is used.")


def _mpo() -> GoodImage:
    # Cameras and some phones save a main picture plus a preview as one MPO file.
    data = encode(_scene(), "MPO", save_all=True, append_images=[Image.new("RGB", (60, 40), (0, 0, 0))],
                  quality=95)
    return _marker_good("camera.jpg", data, "MPO", "RGB", frame_count=2, tolerance=24,
                        note="Multi-picture JPEG with 2 pictures")


def _heic(orientation: int) -> GoodImage:
    data = encode(_scene(), "HEIF", quality=95, exif=exif_bytes(orientation) if orientation != 1 else None)
    note = f"EXIF orientation {orientation}" if orientation != 1 else ""
    return _marker_good(f"iphone_{orientation}.heic", data, "HEIF", "RGB", orientation, tolerance=24, note=note)


def _cmyk(fmt: str, name: str) -> GoodImage:
    cmyk = Image.fromarray(marker_scene()).convert("CMYK")
    options = {"quality": 95} if fmt == "JPEG" else {}
    return _marker_good(name, encode(cmyk, fmt, **options), fmt, "CMYK", tolerance=24 if fmt == "JPEG" else 0,
                        note="CMYK")


def _broken_exif_jpeg() -> GoodImage:
    """A JPEG whose APP1 EXIF segment is garbage after the 'Exif' signature."""
    clean = encode(_scene(), "JPEG", quality=95)
    garbage = b"Exif\x00\x00MM\x00*\x00\x00\xff\xff\xff\xf0" + bytes(range(40))
    segment = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    return _marker_good("broken_exif.jpg", clean[:2] + segment + clean[2:], "JPEG", "RGB", tolerance=24)


def _twelve_megapixels() -> GoodImage:
    size = upright_size(4000, 3000, 6)
    return GoodImage(
        name="IMG_4032.jpg",
        data=phone_photo_jpeg(),
        format="JPEG",
        size=size,
        original_mode="RGB",
        orientation=6,
        probes=corner_probes(*size, 200, ORIENTATION_CORNERS[6]),
        tolerance=24,
        note="EXIF orientation 6",
    )


GOOD_BUILDERS: dict[str, Callable[[], GoodImage]] = {
    **{f"jpeg_orientation_{k}": functools.partial(_jpeg_orientation, k) for k in range(1, 9)},
    "jpeg_progressive": lambda: _marker_good(
        "progressive.jpg", encode(_scene(), "JPEG", quality=95, progressive=True), "JPEG", "RGB", tolerance=24),
    "jpeg_grayscale": lambda: GoodImage(
        "gray.jpg", encode(_scene().convert("L"), "JPEG", quality=95), "JPEG", (60, 40), "L",
        probes=(Probe(6, 6, luma(RED)), Probe(53, 6, luma(YELLOW)), Probe(30, 20, luma(BACKGROUND))), tolerance=8),
    "jpeg_cmyk": lambda: _cmyk("JPEG", "print.jpg"),
    "jpeg_broken_exif": _broken_exif_jpeg,
    "jpeg_12_megapixels": _twelve_megapixels,
    "mpo_two_pictures": _mpo,
    "png_rgb": lambda: _marker_good("screenshot.png", encode(_scene(), "PNG"), "PNG", "RGB"),
    "png_exif_orientation_6": lambda: _marker_good(
        "rotated.png", encode(_scene(), "PNG", exif=exif_bytes(6)), "PNG", "RGB", 6,
        note="EXIF orientation 6"),
    "png_rgba": lambda: GoodImage(
        "logo.png", encode(Image.fromarray(_rgba_scene()), "PNG"), "PNG", (60, 40), "RGBA", probes=RGBA_PROBES),
    "png_palette_transparent": _palette_png,
    "png_colour_key_transparent": lambda: GoodImage(
        "keyed.png", encode(_scene(), "PNG", transparency=RED), "PNG", (60, 40), "RGB",
        probes=(Probe(6, 6, WHITE), Probe(54, 6, YELLOW), Probe(30, 20, BACKGROUND))),
    "png_gray_alpha_la": lambda: GoodImage(
        "gray_alpha.png",
        encode(Image.fromarray(np.array([[[0, 255], [0, 0], [200, 255], [100, 128]]], np.uint8), "LA"), "PNG"),
        "PNG", (4, 1), "LA",
        probes=(Probe(0, 0, (0, 0, 0)), Probe(1, 0, WHITE), Probe(2, 0, (200, 200, 200)),
                Probe(3, 0, (177, 177, 177)))),  # 100·128/255 + 255·127/255 = 177.2
    "png_gray_l": lambda: _gray(np.array([[0, 1, 128, 254, 255]], np.uint8), "gray.png", "PNG", "L",
                                [0, 1, 128, 254, 255]),
    "png_1_bit": lambda: GoodImage(
        "bilevel.png", encode(Image.fromarray(np.array([[True, False, True]])), "PNG"), "PNG", (3, 1), "1",
        probes=(Probe(0, 0, WHITE), Probe(1, 0, (0, 0, 0)), Probe(2, 0, WHITE))),
    # 16-bit: v/257 rounded, so 65535 -> 255, 32896 -> 128, 257 -> 1, 128 -> 0, 129 -> 1.
    "png_16_bit": lambda: _gray(np.array([[0, 128, 129, 257, 32896, 65535]], np.uint16), "depth16.png", "PNG",
                                "I;16", [0, 0, 1, 1, 128, 255]),
    # 32-bit integers beyond 16 bits: min..max stretched to 0..255.
    "tiff_int32": lambda: _gray(np.array([[0, 100_000, 200_000, 400_000]], np.int32), "int32.tiff", "TIFF", "I",
                                [0, 64, 128, 255]),
    # Floats in 0..1 (the usual convention): times 255.
    "tiff_float": lambda: _gray(np.array([[0.0, 0.25, 0.5, 1.0]], np.float32), "float.tiff", "TIFF", "F",
                                [0, 64, 128, 255]),
    "tiff_cmyk": lambda: _cmyk("TIFF", "print.tiff"),
    "tiff_orientation_8": lambda: _marker_good(
        "scan_rotated.tif", encode(_scene(), "TIFF", tiffinfo={0x0112: 8}), "TIFF", "RGB", 8,
        note="EXIF orientation 8"),
    "tiff_multipage": _multipage_tiff,
    "webp_lossy": lambda: _marker_good(
        "photo.webp", encode(_scene(), "WEBP", quality=95), "WEBP", "RGB", tolerance=24),
    "webp_lossy_orientation_3": lambda: _marker_good(
        "upside.webp", encode(_scene(), "WEBP", quality=95, exif=exif_bytes(3)), "WEBP", "RGB", 3, tolerance=24,
        note="EXIF orientation 3"),
    "webp_lossless_rgba": lambda: GoodImage(
        "sticker.webp", encode(Image.fromarray(_rgba_scene()), "WEBP", lossless=True), "WEBP", (60, 40), "RGBA",
        probes=RGBA_PROBES),
    "bmp": lambda: _marker_good("paint.bmp", encode(_scene(), "BMP"), "BMP", "RGB"),
    "gif_static": lambda: _marker_good(
        "icon.gif", encode(_scene().convert("P", palette=Image.Palette.ADAPTIVE), "GIF"), "GIF", "P", tolerance=8),
    "gif_animated": _animated_gif,
    "heic": functools.partial(_heic, 1),
    "heic_orientation_6": functools.partial(_heic, 6),
    "tiny_1x1": lambda: GoodImage(
        "dot.png", encode(Image.new("RGB", (1, 1), RED), "PNG"), "PNG", (1, 1), "RGB", probes=(Probe(0, 0, RED),)),
    "tiny_1x1_jpeg": lambda: GoodImage(
        "dot.jpg", encode(Image.new("RGB", (1, 1), RED), "JPEG", quality=95), "JPEG", (1, 1), "RGB",
        probes=(Probe(0, 0, RED),), tolerance=24),
}

HEIF_NAMES = ("heic", "heic_orientation_6")

#: Bad files that can only be generated with a HEIC encoder.
HEIF_BAD_NAMES = ("truncated_heic", "heic_header_only")


def heif_missing() -> str:
    """Why no HEIC file can be generated and decoded here, or "" when both work."""
    if not decode.HEIF_SUPPORTED:
        return "pillow-heif is not installed"
    import pillow_heif

    if not pillow_heif.libheif_info().get("HEIF"):
        return "this libheif has no HEIC encoder, so no HEIC file can be generated"
    return ""


def require_heif() -> None:
    """Skip a HEIC case on a laptop without pillow-heif's HEIC support; fail in CI, which installs it."""
    reason = heif_missing()
    require(not reason, f"pillow-heif's HEIC support ({reason})")


def assert_probes(pixels: np.ndarray, case: GoodImage) -> None:
    """Every coloured probe of ``case`` is where it must be in the decoded ``pixels``, within its tolerance."""
    for probe in case.probes:
        found = pixels[probe.y, probe.x].astype(int)
        difference = np.abs(found - np.array(probe.rgb)).max()
        assert difference <= case.tolerance, (
            f"{case.name}: pixel ({probe.x}, {probe.y}) is {tuple(found)}, expected {probe.rgb} ±{case.tolerance}"
        )


@functools.cache
def good_image(name: str) -> GoodImage:
    return GOOD_BUILDERS[name]()


# ---------------------------------------------------------------- bad files


def _small_jpeg() -> bytes:
    return encode(Image.fromarray(marker_scene(640, 480, 40, smooth=True)), "JPEG", quality=90)


def _small_png() -> bytes:
    noise = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    return encode(Image.fromarray(noise), "PNG")


def _zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cat.jpg", _small_jpeg())
    return buffer.getvalue()


def _corrupt_middle(data: bytes, length: int = 200) -> bytes:
    """Overwrite ``length`` bytes in the middle of the entropy-coded data with noise."""
    middle = len(data) // 2
    noise = np.random.default_rng(2).integers(0, 256, length, dtype=np.uint8).tobytes()
    return data[:middle] + noise + data[middle + length:]


NOT_AN_IMAGE = decode.NOT_AN_IMAGE
TRUNCATED = decode.TRUNCATED

BAD_BUILDERS: dict[str, Callable[[], BadImage]] = {
    "empty": lambda: BadImage("empty.jpg", b"", "The file is empty (0 bytes)."),
    "random_bytes": lambda: BadImage(
        "noise.png", np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(), NOT_AN_IMAGE),
    "text_named_jpg": lambda: BadImage("notes.jpg", b"Shopping list:\n- cat food\n- dog food\n" * 20, NOT_AN_IMAGE),
    "html": lambda: BadImage(
        "page.jpg", b"<!DOCTYPE html>\n<html><head><title>Cats</title></head><body><img src=cat.jpg></body></html>\n",
        NOT_AN_IMAGE),
    "truncated_jpeg": lambda: BadImage("half.jpg", _small_jpeg()[: len(_small_jpeg()) // 2], TRUNCATED),
    "truncated_png": lambda: BadImage("half.png", _small_png()[: len(_small_png()) // 2], TRUNCATED),
    "truncated_gif": lambda: BadImage(
        "half.gif", (gif := encode(_scene().convert("P", palette=Image.Palette.ADAPTIVE), "GIF"))[: len(gif) // 2],
        TRUNCATED),
    "truncated_webp": lambda: BadImage(
        "half.webp", (webp := encode(_scene(), "WEBP"))[: len(webp) // 2], TRUNCATED),
    "truncated_heic": lambda: BadImage(
        "half.heic", (heic := encode(Image.fromarray(marker_scene(640, 480, 40, smooth=True)), "HEIF"))
        [: len(heic) // 2], TRUNCATED),
    "heic_header_only": lambda: BadImage(
        "stub.heic", encode(_scene(), "HEIF")[:100],
        "The file starts like a HEIC image but its header is damaged or cut short."),
    "jpeg_header_only": lambda: BadImage("stub.jpg", _small_jpeg()[:40], TRUNCATED),
    "jpeg_signature_then_text": lambda: BadImage(
        "fake.jpg", b"\xff\xd8\xff" + b"this is not JPEG data" * 4,
        "The file starts like a JPEG image but its header is damaged or cut short."),
    "tiff_cut_short": lambda: BadImage(
        "stub.tiff", encode(_scene(), "TIFF", compression="tiff_deflate")[:200],
        "The file starts like a TIFF image but its header is damaged or cut short."),
    "png_bomb_100000_square": lambda: BadImage(
        "bomb.png", png_header_only(100_000, 100_000),
        "The image is too large: 10,000,000,000 pixels; the limit is 50,000,000 pixels."),
    "png_just_over_max_pixels": lambda: BadImage(
        "big.png", png_header_only(7072, 7071),
        "The image is too large: 7072×7071 = 50,006,112 pixels; the limit is 50,000,000 pixels."),
    # A JPEG may be three times over the limit (it is then decoded at half scale), not more.
    "jpeg_bomb_65000_square": lambda: BadImage(
        "bomb.jpg", jpeg_header_only(65_000, 65_000),
        "The image is too large: 4,225,000,000 pixels; the limit is 150,000,000 pixels."),
    "jpeg_over_three_times_max_pixels": lambda: BadImage(
        "huge.jpg", jpeg_header_only(15_000, 10_001),
        "The image is too large: 15000×10001 = 150,015,000 pixels; the limit is 150,000,000 pixels."),
    "png_zero_width": lambda: BadImage(
        "flat.png", png_header_only(0, 10),
        "The file starts like a PNG image but its header is damaged or cut short."),
    "zip": lambda: BadImage("photos.zip.jpg", _zip_file(), NOT_AN_IMAGE),
    "pdf": lambda: BadImage(
        "scan.jpg", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n%%EOF\n", NOT_AN_IMAGE),
    "svg": lambda: BadImage(
        "drawing.png",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="10" height="10" fill="red"/></svg>\n', NOT_AN_IMAGE),
    # PostScript would make Pillow start Ghostscript; only photo formats are decoded.
    "eps": lambda: BadImage(
        "figure.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n", NOT_AN_IMAGE),
    # Real images in formats a phone or laptop does not send as photos.
    "tga": lambda: BadImage("old.tga", encode(_scene(), "TGA"), NOT_AN_IMAGE),
    "ico": lambda: BadImage("favicon.ico", encode(_scene(), "ICO"), NOT_AN_IMAGE),
    "over_max_bytes": lambda: BadImage(
        "huge.jpg", b"\xff\xd8\xff" + bytes(decode.MAX_BYTES - 2),
        "The file is too large: 52,428,801 bytes; the limit is 50 MB (52,428,800 bytes)."),
}


@functools.cache
def bad_image(name: str) -> BadImage:
    return BAD_BUILDERS[name]()


def corrupt_jpeg_middle() -> tuple[bytes, np.ndarray]:
    """A JPEG with 200 bytes of noise in its middle, and the clean pixels it came from.

    libjpeg treats such damage as a warning: it resynchronises at the next
    restart marker or fills the rest with gray, and Pillow decodes the file
    without raising. The test documents that behaviour.
    """
    pixels = marker_scene(640, 480, 40, smooth=True)
    return _corrupt_middle(encode(Image.fromarray(pixels), "JPEG", quality=90)), pixels
