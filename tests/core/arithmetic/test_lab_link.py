"""The lab's links: query parameters -> settings and matrices, and back."""

from __future__ import annotations

import numpy as np
import pytest

from core.arithmetic.lab_link import link_params, preset_kernel, read_link
from core.arithmetic.lab_settings import LabSettings
from core.arithmetic.presets import EDGE_IMAGE, PRESETS, SHARPEN, SHARPEN_IMAGE, VERTICAL_EDGE


def test_an_empty_link_is_the_edge_preset_at_step_one():
    reading = read_link({})
    assert reading.problems == ()
    assert reading.image is None and reading.kernel is None
    settings = reading.settings
    assert settings.preset == "edge" and settings.view == "convolution"
    assert (settings.stride, settings.padding, settings.bias, settings.relu) == (1, "valid", 0.0, True)
    assert (settings.conv_step, settings.pool_step) == (1, 1)


def test_a_link_overrides_the_preset_settings():
    reading = read_link({"preset": "sharpen", "stride": "2", "padding": "same", "bias": "-0.5", "relu": "off",
                         "view": "pooling", "psource": "input", "pool": "average", "ppadding": "same",
                         "psize": "3", "pstride": "1", "step": "4", "pstep": "2"})
    assert reading.problems == ()
    settings = reading.settings
    assert settings.preset == "sharpen"
    assert (settings.stride, settings.padding_mode, settings.bias, settings.relu) == (2, "same", -0.5, False)
    assert (settings.view, settings.pool_source, settings.pool_mode, settings.pool_padding) == (
        "pooling", "input", "average", "same")
    assert (settings.pool_size, settings.pool_stride, settings.conv_step, settings.pool_step) == (3, 1, 4, 2)


def test_padding_rings_and_matrices_come_from_the_link():
    reading = read_link({"padding": "2", "image": "1,2;3,4", "kernel": "[1, −1]"})
    assert reading.problems == ()
    assert reading.settings.padding == 2 and reading.settings.padding_mode == "rings"
    assert reading.image.tolist() == [[1, 2], [3, 4]]
    assert reading.kernel.tolist() == [[1, -1]]


def test_the_preset_s_own_padding_rings_are_kept():
    assert read_link({"preset": "sharpen"}).settings.padding == 1


@pytest.mark.parametrize(("params", "problem"), [
    ({"preset": "nope"}, "preset='nope' is not a preset of this lab"),
    ({"stride": "0"}, "stride=0 is outside 1…6"),
    ({"stride": "two"}, "stride='two' is not a whole number"),
    ({"padding": "wide"}, "padding='wide' is not valid, same or 0…3"),
    ({"padding": "4"}, "padding='4' is not valid, same or 0…3"),
    ({"bias": "x"}, "bias='x' is not a number"),
    ({"view": "sideways"}, "view='sideways' is not one of convolution, pooling, colour, photo, decision"),
    ({"pool": "min"}, "pool='min' is not one of max, average"),
    ({"psize": "5"}, "psize=5 is outside 1…4"),
    ({"seed": "1.5"}, "seed='1.5' is not a whole number"),
    ({"filter": "first"}, "filter='first' is not a whole number"),
])
def test_unusable_values_are_listed_and_the_default_kept(params, problem):
    reading = read_link(params)
    assert reading.problems == (problem,)
    assert reading.warnings == [f"This link's setting {problem}; the lab used its default instead."]
    default = read_link({}).settings
    assert reading.settings == default


def test_a_ragged_image_is_a_problem_that_names_the_matrix():
    reading = read_link({"image": "1,2;3"})
    assert reading.image is None
    assert len(reading.problems) == 1 and reading.problems[0].startswith("image: The input is ragged")


def test_model_filter_is_clamped_and_a_bad_channel_ignored():
    assert read_link({"filter": "99"}).settings.model_filter == 32
    assert read_link({"filter": "0"}).settings.model_filter == 1
    reading = read_link({"channel": "purple"})
    assert reading.settings.model_channel == "sum" and reading.problems == ()
    assert read_link({"channel": "green"}).settings.model_channel == "green"


def test_link_params_leave_out_the_preset_s_own_matrices():
    settings = LabSettings.from_preset(PRESETS["edge"])
    params = link_params(settings, EDGE_IMAGE, VERTICAL_EDGE)
    assert params == {"preset": "edge", "view": "convolution", "stride": "1", "padding": "valid", "bias": "0",
                      "relu": "1", "step": "1", "psource": "convolution", "pool": "max", "psize": "2",
                      "pstride": "2", "ppadding": "valid", "pstep": "1"}


def test_link_params_carry_changed_matrices_seed_and_model_choice():
    sharpen = LabSettings.from_preset(PRESETS["sharpen"]).with_values(bias=-0.5)
    params = link_params(sharpen, [[1, 2], [3, 4]], SHARPEN)
    assert params["image"] == "1,2;3,4" and "kernel" not in params
    assert params["padding"] == "1" and params["bias"] == "-0.5"
    random = LabSettings.from_preset(PRESETS["random"], random_seed=3)
    params = link_params(random, PRESETS["random"].image, preset_kernel(random))
    assert params["seed"] == "3" and "kernel" not in params
    model = LabSettings.from_preset(PRESETS["model"], model_filter=5, model_channel="red")
    params = link_params(model, PRESETS["model"].image, PRESETS["model"].kernel)
    assert (params["filter"], params["channel"], params["kernel"]) == ("5", "red", "0,0,0;0,1,0;0,0,0")


def test_a_link_read_back_gives_the_same_settings_and_matrices():
    settings = LabSettings.from_preset(PRESETS["sharpen"]).with_values(stride=2, view="decision", pool_mode="average",
                                                                       conv_step=3)
    kernel = np.array([[0, -1, 0], [-1, 4.25, -1], [0, -1, 0]])
    reading = read_link(link_params(settings, SHARPEN_IMAGE, kernel))
    assert reading.problems == ()
    assert reading.settings == settings
    assert reading.image is None
    assert reading.kernel.tolist() == kernel.tolist()


def test_preset_kernel_of_the_random_preset_follows_its_seed():
    first = preset_kernel(LabSettings.from_preset(PRESETS["random"], random_seed=1))
    assert first.shape == (3, 3) and set(np.unique(first)) <= {-2, -1, 0, 1, 2}
    assert np.array_equal(first, preset_kernel(LabSettings.from_preset(PRESETS["random"], random_seed=1)))
    assert not np.array_equal(first, preset_kernel(LabSettings.from_preset(PRESETS["random"], random_seed=2)))


def test_link_params_refuse_an_unknown_preset():
    with pytest.raises(ValueError, match="not a preset"):
        link_params(LabSettings(preset="nope"), EDGE_IMAGE, VERTICAL_EDGE)
