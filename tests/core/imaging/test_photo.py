"""core/imaging/photo.py: the one path from an upload's bytes to a Photo, and the Photo's digest."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from PIL import Image

from core.imaging.decode import ImageLoadError
from core.imaging.digest import digest
from core.imaging.photo import UPLOAD_TYPES, WORKING_SIDE, Photo, photo_from_bytes, working_copy
from harness.photo_files import make_photo_bytes
from tests.support import image_corpus as corpus


def pixels(seed: int = 0, height: int = 6, width: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype(np.uint8)


def test_the_digest_is_the_digest_of_the_pixels():
    values = pixels()
    photo = Photo("cat.jpg", values, "upload")
    assert photo.digest == digest(values)
    assert len(photo.digest) == 24 and int(photo.digest, 16) >= 0  # 12 bytes, written in hex


def test_different_pixels_have_different_digests_and_equal_pixels_the_same():
    values = pixels()
    changed = values.copy()
    changed[3, 4, 1] ^= 1  # one bit of one pixel
    first = Photo("a.png", values, "upload")
    assert first.digest != Photo("a.png", changed, "upload").digest
    # The digest is the content's, not the name's or the source's.
    assert first.digest == Photo("b.jpg", values.copy(), "camera").digest


def test_a_digest_given_explicitly_is_kept():
    assert Photo("a.png", pixels(), "demo", digest="chosen").digest == "chosen"


def test_a_photo_is_frozen_and_says_its_size():
    photo = Photo("wide.png", pixels(height=3, width=5), "upload")
    assert photo.size_text == "5×3 px"  # width × height
    with pytest.raises(dataclasses.FrozenInstanceError):
        photo.name = "other.png"  # type: ignore[misc]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_photo_from_bytes_decodes_a_generated_file(fmt):
    data = make_photo_bytes(width=64, height=48, color=(200, 120, 40), fmt=fmt)
    photo = photo_from_bytes("generated." + fmt.lower(), data, source="camera")
    assert (photo.name, photo.source, photo.notes) == ("generated." + fmt.lower(), "camera", ())
    assert photo.pixels.shape == (48, 64, 3) and photo.pixels.dtype == np.uint8
    expected = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    if fmt == "PNG":
        np.testing.assert_array_equal(photo.pixels, expected)  # lossless: exactly the pixels saved
    else:
        assert np.abs(photo.pixels.astype(int) - expected).max() <= 2  # the same JPEG decoder, maybe other rounding
    # The bright square make_photo_bytes draws at rows 12..23, columns 16..31.
    assert np.abs(photo.pixels[18, 24].astype(int) - (200, 120, 40)).max() <= 12
    assert photo.digest == digest(photo.pixels)
    assert photo.size_text == "64×48 px"


def test_photo_from_bytes_stands_a_sideways_photo_upright_and_keeps_the_note():
    photo = photo_from_bytes("sideways.jpg", corpus.good_image("jpeg_orientation_6").data)
    assert photo.source == "upload"
    assert photo.pixels.shape == (60, 40, 3)  # stored 60×40 landscape, upright 40 wide and 60 tall
    assert photo.notes == (
        "The file stores this photo sideways; it was rotated 90° clockwise to stand upright (EXIF orientation 6).",
    )


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00garbage that is not an image at all", "This file is not a JPEG, PNG, WebP, BMP, GIF, TIFF or HEIC image."),
    (b"", "The file is empty (0 bytes)."),
])
def test_photo_from_bytes_refuses_garbage_with_its_message(data, message):
    with pytest.raises(ImageLoadError) as caught:
        photo_from_bytes("broken.jpg", data)
    assert str(caught.value) == message


def test_upload_types_cover_every_format_the_decoder_reads():
    assert {"jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff", "heic", "heif"} == set(UPLOAD_TYPES)
    assert all(kind == kind.lower() and not kind.startswith(".") for kind in UPLOAD_TYPES)


def test_a_12_megapixel_phone_jpeg_becomes_an_upright_working_copy_that_keeps_its_file_size():
    # Stored 4000×3000 with EXIF orientation 6: the phone was held upright, 3000 wide and 4000 tall.
    photo = photo_from_bytes("IMG_0001.jpg", corpus.phone_photo_jpeg(4000, 3000, orientation=6))
    assert photo.pixels.shape == (1280, 960, 3)  # long side 1280, proportions kept (4000:3000)
    assert photo.original_size == (3000, 4000)
    assert photo.size_text == "3000×4000 px (working copy 960×1280)"
    # No view into a larger decoded buffer is kept alive by the photo.
    assert photo.pixels.base is None or photo.pixels.base.nbytes <= photo.pixels.nbytes
    # Upright: the red marker of the stored top-left corner is now at the top right.
    assert np.abs(photo.pixels[20, 940].astype(int) - corpus.RED).max() <= 40


def test_a_large_png_is_area_resized_to_the_working_side():
    data = make_photo_bytes(width=2600, height=1300, fmt="PNG")
    photo = photo_from_bytes("wide.png", data)
    assert photo.pixels.shape == (640, 1280, 3)
    assert photo.size_text == "2600×1300 px (working copy 1280×640)"
    assert photo.pixels.base is None or photo.pixels.base.nbytes <= photo.pixels.nbytes


def test_a_photo_within_the_working_side_keeps_every_pixel():
    data = make_photo_bytes(width=WORKING_SIDE, height=300, fmt="PNG")
    photo = photo_from_bytes("exact.png", data)
    np.testing.assert_array_equal(photo.pixels, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    assert photo.size_text == "1280×300 px"
    values = pixels(height=5, width=7)
    assert working_copy(values) is values


def test_the_working_side_exceeds_every_model_input():
    from core.models import registry

    largest = max(max(info.input_size) for info in registry.list_models())
    assert WORKING_SIDE > largest >= 384


def test_the_photo_id_is_short_and_depends_on_the_pixels_and_the_name():
    values = pixels()
    first = Photo("a.png", values, "upload")
    assert len(first.photo_id) == 10 and int(first.photo_id, 16) >= 0
    assert Photo("a.png", values.copy(), "camera").photo_id == first.photo_id
    assert Photo("b.png", values, "upload").photo_id != first.photo_id
    changed = values.copy()
    changed[0, 0, 0] ^= 1
    assert Photo("a.png", changed, "upload").photo_id != first.photo_id
