"""core/imaging/resize.py: the one resize for the model, grayscale, and the gallery thumbnails."""

from __future__ import annotations

import numpy as np
import pytest

from core.imaging.decode import ImageLoadError, decode_image
from core.imaging.resize import load_for_model, load_thumbnail, resize_for_model, thumbnail, to_grayscale
from tests.support import image_corpus as corpus


def test_good_files_also_load_for_the_model():
    for name in corpus.GOOD_BUILDERS:
        if name in corpus.HEIF_NAMES and corpus.heif_missing():
            corpus.require_heif()  # fails in CI; on a laptop without HEIC support the other files still run
            continue
        decoded, model_input = load_for_model(corpus.good_image(name).data, (32, 48))
        assert model_input.shape == (32, 48, 3) and model_input.dtype == np.uint8, name
        assert decoded.orientation == corpus.good_image(name).orientation, name


def test_draft_mode_gives_a_smaller_upright_12_megapixel_photo():
    case = corpus.good_image("jpeg_12_megapixels")
    decoded, model_input = load_for_model(case.data, (150, 150))
    # 4000×3000 stored sideways (orientation 6): DCT-scaled by 1/8 while decoding, then turned upright.
    assert (decoded.width, decoded.height) == (375, 500)
    assert decoded.original_size == (4000, 3000) and decoded.orientation == 6
    assert model_input.shape == (150, 150, 3)
    corpus.assert_probes(decoded.pixels, corpus.GoodImage(
        "draft", b"", "JPEG", (375, 500), "RGB",
        probes=corpus.corner_probes(375, 500, 25, corpus.ORIENTATION_CORNERS[6]), tolerance=24))


def test_draft_then_resize_matches_full_decode_then_resize():
    data = corpus.good_image("jpeg_12_megapixels").data
    _, fast = load_for_model(data, (150, 150))
    slow = resize_for_model(decode_image(data).pixels, (150, 150))
    assert np.abs(fast.astype(float) - slow).mean() < 3.0


def test_resize_for_model_squeezes_the_whole_photo():
    pixels = corpus.marker_scene(600, 400, 120)
    resized = resize_for_model(pixels, (150, 150))
    assert resized.shape == (150, 150, 3) and resized.dtype == np.uint8
    assert tuple(resized[15, 15]) == corpus.RED and tuple(resized[15, 134]) == corpus.YELLOW
    assert resize_for_model(pixels, (400, 600)) is not pixels
    assert np.array_equal(resize_for_model(pixels, (400, 600)), pixels)
    assert resize_for_model(np.full((1, 1, 3), 7, np.uint8), (5, 3)).tolist() == np.full((5, 3, 3), 7).tolist()


def test_resize_for_model_rounds_and_clips_non_uint8_input():
    pixels = np.array([[[-20.0, 127.6, 300.0]]])
    assert resize_for_model(pixels, (1, 1)).tolist() == [[[0, 128, 255]]]


@pytest.mark.parametrize(
    "pixels, size, message",
    [
        (np.zeros((4, 4), np.uint8), (2, 2), "Expected an"),
        (np.zeros((4, 4, 4), np.uint8), (2, 2), "Expected an"),
        (np.zeros((0, 4, 3), np.uint8), (2, 2), "no pixels"),
        (np.zeros((4, 4, 3), np.uint8), (0, 2), "positive"),
    ],
)
def test_resize_for_model_refuses_bad_input(pixels, size, message):
    with pytest.raises(ValueError, match=message):
        resize_for_model(pixels, size)


def test_load_for_model_refuses_a_non_positive_size():
    with pytest.raises(ValueError, match="positive"):
        load_for_model(corpus.good_image("png_rgb").data, (0, 150))


def test_to_grayscale_uses_bt601_luma():
    pixels = np.array([[corpus.RED, corpus.YELLOW, (255, 255, 255), (0, 0, 0)]], np.uint8)
    gray = to_grayscale(pixels)
    assert gray.dtype == np.float32 and gray.shape == (1, 4)
    assert gray[0].tolist() == [corpus.luma(corpus.RED)[0], corpus.luma(corpus.YELLOW)[0], 255.0, 0.0]
    with pytest.raises(ValueError, match="Expected an"):
        to_grayscale(np.zeros((4, 4), np.uint8))



# ---------------------------------------------------------------- thumbnails


@pytest.mark.parametrize(("height", "width", "expected"), [
    (400, 600, (107, 160)),  # landscape: the width becomes 160, 400 × 160 / 600 = 106.7 rows
    (600, 400, (160, 107)),  # portrait: the height becomes 160
    (320, 320, (160, 160)),
    (1000, 10, (160, 2)),  # 10 × 0.16 = 1.6 columns, rounded
    (10_000, 1, (160, 1)),  # never below one pixel
])
def test_thumbnail_brings_the_longer_side_to_the_limit_and_keeps_proportions(height, width, expected):
    small = thumbnail(np.full((height, width, 3), 90, np.uint8), side=160)
    assert small.shape == (*expected, 3) and small.dtype == np.uint8
    assert np.all(small == 90)


def test_thumbnail_keeps_the_picture_in_place():
    small = thumbnail(corpus.marker_scene(600, 400, 120), side=150)
    assert small.shape == (100, 150, 3)
    assert tuple(small[15, 15]) == corpus.RED and tuple(small[15, 134]) == corpus.YELLOW
    assert tuple(small[80, 75]) == corpus.BACKGROUND


def test_thumbnail_never_enlarges_and_returns_a_copy():
    pixels = corpus.marker_scene(50, 30, 10)
    small = thumbnail(pixels, side=160)
    assert small.shape == (30, 50, 3)
    np.testing.assert_array_equal(small, pixels)
    small[0, 0] = 0
    assert tuple(pixels[0, 0]) == corpus.RED  # editing the thumbnail never edits the photo
    assert thumbnail(pixels, side=50).shape == (30, 50, 3)  # exactly the limit: unchanged


def test_thumbnail_refuses_a_side_below_one_pixel():
    with pytest.raises(ValueError, match="at least 1 pixel, got 0"):
        thumbnail(np.zeros((4, 4, 3), np.uint8), side=0)


def test_load_thumbnail_of_a_12_megapixel_photo_is_small_and_upright():
    # 4000×3000 stored sideways (EXIF orientation 6): upright it is 3000 wide and 4000 tall.
    small = load_thumbnail(corpus.good_image("jpeg_12_megapixels").data, side=160)
    assert small.shape == (160, 120, 3) and small.dtype == np.uint8
    # The 200-pixel markers are 8 pixels wide at 1/25 scale, turned with the photo.
    corpus.assert_probes(small, corpus.GoodImage(
        "thumbnail", b"", "JPEG", (120, 160), "RGB",
        probes=corpus.corner_probes(120, 160, 8, corpus.ORIENTATION_CORNERS[6]), tolerance=40))


def test_load_thumbnail_of_a_small_png_keeps_its_size():
    case = corpus.good_image("png_rgb")
    small = load_thumbnail(case.data, side=160)
    np.testing.assert_array_equal(small, decode_image(case.data).pixels)


def test_load_thumbnail_refuses_a_file_that_is_not_an_image():
    with pytest.raises(ImageLoadError) as caught:
        load_thumbnail(b"just some text, not a photo", side=160)
    assert str(caught.value) == "This file is not a JPEG, PNG, WebP, BMP, GIF, TIFF or HEIC image."


def test_a_sharp_photo_reaches_the_network_as_the_256_pixel_training_photos_were_made():
    from PIL import Image

    from core.imaging.resize import TRAINING_SIDE, as_training_photo, network_input

    rng = np.random.default_rng(0)
    sharp = rng.integers(0, 256, (1200, 1600, 3)).astype(np.uint8)
    # By hand: Pillow's Lanczos to a 256-pixel long side (as shared/data/cats_dogs was made), then the model resize.
    by_hand = np.asarray(Image.fromarray(sharp).resize((256, 192), Image.Resampling.LANCZOS))
    assert TRAINING_SIDE == 256
    assert np.array_equal(as_training_photo(sharp), by_hand)
    assert np.array_equal(network_input(sharp, (384, 384)), resize_for_model(by_hand, (384, 384)))
    # The same photo at any larger size gives nearly the same input: sharpness no longer reaches the network.
    larger = np.asarray(Image.fromarray(by_hand).resize((3200, 2400), Image.Resampling.BICUBIC))
    assert np.abs(network_input(larger, (384, 384)).astype(float) - network_input(by_hand, (384, 384))).mean() < 4
    # A photo already within 256 px is not touched before the model resize.
    small = sharp[:150, :200]
    assert as_training_photo(small) is small
    assert np.array_equal(network_input(small, (150, 150)), resize_for_model(small, (150, 150)))
    with pytest.raises(ValueError, match="RGB"):
        as_training_photo(np.zeros((10, 10), np.uint8))
