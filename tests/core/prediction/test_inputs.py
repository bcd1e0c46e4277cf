"""core.prediction.inputs: what the network receives, a crop of its numbers and its input scaling."""

import numpy as np
import pytest

from core.models import architectures
from core.prediction.inputs import (
    ModelInput,
    input_scaling,
    model_inputs,
    pixel_crop,
)


def test_model_inputs_are_resized_uint8():
    photos = [np.zeros((300, 200, 3), np.uint8), np.full((50, 80, 3), 200, np.uint8)]
    batch = model_inputs(photos, (150, 150))
    assert batch.shape == (2, 150, 150, 3) and batch.dtype == np.uint8
    assert batch[1].min() == 200 == batch[1].max()


def test_model_inputs_need_a_photo():
    with pytest.raises(ValueError, match="No photos"):
        model_inputs([], (32, 32))


def test_pixel_crop_stays_inside_the_image():
    image = np.arange(10 * 10 * 3, dtype=np.uint8).reshape(10, 10, 3)
    crop = pixel_crop(image, top=8, left=-3, size=6)
    assert (crop.top, crop.left, crop.size) == (4, 0, 6)
    np.testing.assert_array_equal(crop.values, image[4:10, 0:6])
    assert list(crop.rows) == [4, 5, 6, 7, 8, 9] and list(crop.columns) == [0, 1, 2, 3, 4, 5]
    assert crop.caption == "Pixel values of the 6×6 square at row 4, column 0."


def test_pixel_crop_channels():
    image = np.zeros((8, 8, 3), np.uint8)
    image[..., 2] = 7
    crop = pixel_crop(image, 1, 2, size=3)
    np.testing.assert_array_equal(crop.channel(2), np.full((3, 3), 7))
    np.testing.assert_array_equal(crop.channel(0), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="red, green, blue"):
        crop.channel(3)


def test_model_input_describes_itself():
    photo = np.full((300, 400, 3), 10, np.uint8)
    received = ModelInput(model_inputs([photo], (150, 160))[0], "uses them as they are")
    assert received.pixels.shape == (150, 160, 3)
    assert (received.height, received.width) == (150, 160)
    assert received.description == (
        "Like the photos it learned from, the photo is first shrunk until its longer side is at most 256 pixels, "
        "then squeezed to **160×150 pixels**. To the network it is just a grid of numbers: "
        "150 rows × 160 columns × 3 colour channels (red, green, blue) = 72,000 numbers "
        "from 0 (dark) to 255 (bright). The model uses them as they are."
    )
    assert received.caption == "Model input: 160×150"


def test_the_crop_starts_in_the_middle():
    received = ModelInput(np.zeros((150, 160, 3), np.uint8), "uses them as they are")
    assert received.centre_crop_corner() == (72, 77)
    crop = received.crop(200, 77)
    assert (crop.top, crop.left) == (144, 77)


def test_input_scaling_is_read_from_the_model(tiny_model):
    assert input_scaling(tiny_model) == "divides them by 255 itself, in its first layer, so they run from 0 to 1"
    normalized = architectures.normalized(image_size=32)
    assert input_scaling(normalized) == (
        "rescales them itself, in its first layer (÷ 127.5 − 1), so they run from -1 to 1")
