"""The lab's settings value: from a preset, its padding, and resizing a matrix."""

from __future__ import annotations

import numpy as np
import pytest

from core.arithmetic.lab_settings import LabSettings, model_kernel_caption, resized_matrix
from core.arithmetic.presets import PRESETS


def test_from_preset_reads_a_number_of_rings_as_rings_mode():
    sharpen = LabSettings.from_preset(PRESETS["sharpen"])
    assert (sharpen.padding_mode, sharpen.padding_rings, sharpen.padding) == ("rings", 1, 1)
    identity = LabSettings.from_preset(PRESETS["identity"])
    assert (identity.padding_mode, identity.padding) == ("same", "same")


def test_from_preset_takes_the_pooling_preset_s_view_and_source():
    pooling = LabSettings.from_preset(PRESETS["pooling"], random_seed=4, model_filter=7, model_channel="blue")
    assert (pooling.view, pooling.pool_source, pooling.pool_size, pooling.pool_stride) == ("pooling", "input", 2, 2)
    assert (pooling.random_seed, pooling.model_filter, pooling.model_channel) == (4, 7, "blue")
    assert (pooling.conv_step, pooling.pool_step, pooling.pool_padding) == (1, 1, "valid")


def test_rings_mode_padding_is_a_whole_number():
    settings = LabSettings(preset="edge", padding_mode="rings", padding_rings=2.0)
    assert settings.padding == 2 and isinstance(settings.padding, int)


def test_resized_matrix_keeps_the_top_left_and_fills_zeros():
    assert resized_matrix([[1, 2], [3, 4]], 3, 1).tolist() == [[1], [3], [0]]
    assert resized_matrix([[1, 2], [3, 4]], 2, 3).tolist() == [[1, 2, 0], [3, 4, 0]]


def test_resized_matrix_refuses_an_empty_size():
    with pytest.raises(ValueError, match="at least one row"):
        resized_matrix(np.ones((2, 2)), 0, 2)


def test_model_kernel_caption_names_the_slice():
    assert model_kernel_caption(5, "green").startswith("conv1 filter 5 of 32, showing only its green slice,")
    assert "the sum of its red, green and blue slices" in model_kernel_caption(1, "sum")
