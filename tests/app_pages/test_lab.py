"""The convolution and pooling lab page, driven through AppTest: presets, stepping, settings, bad input, links."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core.arithmetic import convolution, numbers, photo_filters, presets
from core.models import registry
from tests.conftest import PROJECT_ROOT, page_text

PAGE = str(PROJECT_ROOT / "app_pages" / "lab.py")


def _app(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=120)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception[0].value if app.exception else ""
    return app


def _chart_labels(app: AppTest, key: str) -> list[str]:
    """The numbers written in the cells of the Plotly chart with this key."""
    for chart in app.get("plotly_chart"):
        if chart.proto.id.endswith(key):
            return json.loads(chart.proto.spec)["data"][1]["text"]
    raise AssertionError(f"no chart {key}; found {[chart.proto.id for chart in app.get('plotly_chart')]}")


def _step(app: AppTest) -> int:
    return int(app.session_state["lab_conv_step"])


def _no_problems(app: AppTest) -> None:
    assert not app.exception, app.exception[0].value
    assert not app.error, [error.value for error in app.error]


def _paste(app: AppTest, name: str, text: str) -> AppTest:
    version = app.session_state["lab_editor_version"]
    app.text_area(key=f"lab_{name}_text_{version}").input(text)
    return app.button(key=f"lab_{name}_paste_{version}").click().run()


# --------------------------------------------------------------------------- the edge example, stepped


def test_edge_preset_first_step():
    app = _app()
    _no_problems(app)
    text = page_text(app)
    assert "1×1 + 2×0 + 3×(−1) + 0×1 + 1×0 + 2×(−1) + 3×1 + 2×0 + 1×(−1)" in text
    assert "1 + 0 + (−3) + 0 + 0 + (−2) + 3 + 0 + (−1) = −2" in text
    assert "Step 1 of 10" in text
    assert "⌊(5 + 2×0 − 3) / 1⌋ + 1 = ⌊2 / 1⌋ + 1 = 3" in text
    assert _chart_labels(app, "lab_conv_output_chart") == ["−2", "?", "?", "?", "?", "?", "?", "?", "?"]
    assert _chart_labels(app, "lab_conv_products_chart") == ["1", "0", "−3", "0", "0", "−2", "3", "0", "−1"]
    assert app.query_params["preset"] == "edge" and app.query_params["step"] == "1"


def test_step_forward_back_and_through_relu():
    app = _app()
    app.button(key="lab_conv_next").click().run()
    _no_problems(app)
    assert _step(app) == 2
    assert "2×1 + 3×0 + 0×(−1) + 1×1 + 2×0 + 3×(−1) + 2×1 + 1×0 + 0×(−1)" in page_text(app)
    assert _chart_labels(app, "lab_conv_output_chart")[:3] == ["−2", "2", "?"]
    app.button(key="lab_conv_previous").click().run()
    assert _step(app) == 1
    assert "1×1 + 2×0 + 3×(−1)" in page_text(app)
    app.slider(key="lab_conv_step").set_value(9).run()
    _no_problems(app)
    assert _chart_labels(app, "lab_conv_output_chart") == ["−2", "2", "2", "−2", "−2", "2", "2", "0", "1"]
    app.button(key="lab_conv_next").click().run()
    _no_problems(app)
    assert _step(app) == 10
    text = page_text(app)
    assert "ReLU on the whole output" in text and "not an absolute value" in text
    assert "−2 → 0" in text
    assert _chart_labels(app, "lab_relu_before_chart") == ["−2", "2", "2", "−2", "−2", "2", "2", "0", "1"]
    assert _chart_labels(app, "lab_relu_after_chart") == ["0", "2", "2", "0", "0", "2", "2", "0", "1"]
    assert app.query_params["step"] == "10"
    app.button(key="lab_conv_first").click().run()
    assert _step(app) == 1


def test_play_advances_one_step_per_tick_and_stops_at_the_end():
    app = _app(step="8")
    app.button(key="lab_conv_play").click().run()
    _no_problems(app)
    assert app.session_state["lab_playing"] == "conv"
    assert _step(app) == 8  # the run that pressed Play shows the current step first
    assert app.button(key="lab_conv_play").label.endswith("Pause")
    assert app.button(key="lab_conv_next").disabled
    app.run()  # a timer tick
    assert _step(app) == 9
    app.run()
    assert _step(app) == 10
    assert app.session_state["lab_playing"] is None
    assert app.button(key="lab_conv_play").label.endswith("Play")


# --------------------------------------------------------------------------- settings


def test_stride_and_padding_change_the_shape_and_the_formula():
    app = _app()
    app.number_input(key="lab_stride").set_value(2).run()
    _no_problems(app)
    text = page_text(app)
    assert "⌊(5 + 2×0 − 3) / 2⌋ + 1 = ⌊2 / 2⌋ + 1 = 2" in text and "**2 × 2**" in text
    assert _chart_labels(app, "lab_conv_output_chart") == ["−2", "?", "?", "?"]
    app.number_input(key="lab_stride").set_value(1).run()
    app.segmented_control(key="lab_padding_mode").set_value("same").run()
    _no_problems(app)
    text = page_text(app)
    assert "⌊(5 + 2×1 − 3) / 1⌋ + 1 = ⌊4 / 1⌋ + 1 = 5" in text and "**5 × 5**" in text
    assert "1 above, 1 below" in "\n".join(caption.value for caption in app.caption)
    # The first window now starts in the padding: four zeros around the 1.
    assert "0×1 + 0×0 + 0×(−1) + 0×1 + 1×0 + 2×(−1) + 0×1 + 0×0 + 1×(−1)" in page_text(app)
    app.segmented_control(key="lab_padding_mode").set_value("rings").run()
    app.number_input(key="lab_padding_rings").set_value(2).run()
    _no_problems(app)
    assert "⌊(5 + 2×2 − 3) / 1⌋ + 1 = ⌊6 / 1⌋ + 1 = 7" in page_text(app)
    app.number_input(key="lab_stride").set_value(3).run()
    assert "⌊(5 + 2×2 − 3) / 3⌋ + 1 = ⌊6 / 3⌋ + 1 = 3" in page_text(app)
    assert app.query_params["padding"] == "2" and app.query_params["stride"] == "3"


def test_same_padding_with_stride_two_is_asymmetric():
    app = _app(image="1,2,3,4,5,6;1,2,3,4,5,6;1,2,3,4,5,6;1,2,3,4,5,6;1,2,3,4,5,6;1,2,3,4,5,6",
               padding="same", stride="2")
    _no_problems(app)
    assert "⌊(6 + 0 + 1 − 3) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3" in page_text(app)
    assert "0 above, 1 below, 0 left, 1 right" in "\n".join(caption.value for caption in app.caption)


def test_bias_and_relu_controls():
    app = _app()
    app.number_input(key="lab_bias").set_value(3.0).run()
    _no_problems(app)
    assert "−2 + 3 = 1" in page_text(app)
    app.toggle(key="lab_relu").set_value(False).run()
    _no_problems(app)
    assert "Step 1 of 9" in page_text(app)  # no ReLU step without ReLU


# --------------------------------------------------------------------------- presets


def test_pooling_preset():
    app = _app()
    app.selectbox(key="lab_preset").set_value("pooling").run()
    _no_problems(app)
    assert app.session_state["lab_view"] == "pooling"
    assert "max(1, 3, 5, 6) = 6" in page_text(app)
    app.slider(key="lab_pool_step").set_value(4).run()
    _no_problems(app)
    assert "max(11, 12, 15, 16) = 16" in page_text(app)
    assert _chart_labels(app, "lab_pool_output_chart") == ["6", "8", "14", "16"]
    app.button(key="lab_pool_previous").click().run()
    assert app.session_state["lab_pool_step"] == 3
    app.segmented_control(key="lab_pool_mode").set_value("average").run()
    _no_problems(app)
    assert "(9 + 10 + 13 + 14) / 4 = 46 / 4 = 11.5" in page_text(app)


def test_pooling_the_convolution_output():
    app = _app(view="pooling", psize="2", pstride="1")
    _no_problems(app)
    # The ReLU'd edge output [[0, 2, 2], [0, 0, 2], [2, 0, 1]] pooled 2×2, stride 1.
    app.slider(key="lab_pool_step").set_value(4).run()
    assert _chart_labels(app, "lab_pool_output_chart") == ["2", "2", "2", "2"]
    assert "max(0, 2, 0, 1) = 2" in page_text(app)


def test_sharpen_preset_gives_320():
    app = _app()
    app.selectbox(key="lab_preset").set_value("sharpen").run()
    _no_problems(app)
    text = page_text(app)
    assert "0×0 + 0×(−1) + 0×0 + 0×(−1) + 105×5 + 102×(−1) + 0×0 + 103×(−1) + 99×0" in text
    assert "= 320" in text
    assert ("Row 0 and column 0 lie outside the 5×5 input: that is zero padding, so 5 of the window's cells "
            "are 0.") in text
    assert _chart_labels(app, "lab_conv_output_chart")[0] == "320"


@pytest.mark.parametrize("key", ["sobel_x", "sobel_y", "identity", "blur", "random"])
def test_other_presets_load_and_step(key):
    app = _app(preset=key)
    _no_problems(app)
    preset = presets.PRESETS[key]
    app.button(key="lab_conv_next").click().run()
    _no_problems(app)
    assert _step(app) == 2
    labels = _chart_labels(app, "lab_conv_output_chart")
    expected = convolution.convolve2d(preset.image, app.session_state["lab_kernel"], padding=preset.padding)
    assert labels[:2] == [numbers.format_number(value) for value in expected.pre_activation.ravel()[:2]]
    if key == "sobel_x":
        assert _chart_labels(app, "lab_conv_kernel_chart") == ["−1", "0", "1", "−2", "0", "2", "−1", "0", "1"]


def test_random_kernel_button_and_link():
    app = _app(preset="random")
    first = app.session_state["lab_kernel"]
    app.button(key="lab_random_button").click().run()
    _no_problems(app)
    assert app.session_state["lab_kernel"] != first
    assert app.query_params["seed"] == "1"
    again = _app(preset="random", seed="1")
    assert again.session_state["lab_kernel"] == app.session_state["lab_kernel"]


def test_model_preset_says_when_the_model_is_missing():
    app = _app(preset="model")
    assert not app.exception

    try:
        available = registry.get_model_info("classic").available
    except ValueError:
        available = False
    if available:
        assert "conv1 filter 1 of 32" in "\n".join(caption.value for caption in app.caption)
    else:
        assert any("isn't available yet" in warning.value for warning in app.warning)
        assert "(not available yet)" in app.selectbox(key="lab_preset").format_func("model")


def test_model_preset_uses_conv1_weights_when_the_model_exists(monkeypatch):
    import numpy as np
    import streamlit as st

    from ui import resources as common

    weights = np.random.default_rng(0).normal(0, 0.2, (3, 3, 3, 32))

    class FakeLayer:
        def get_weights(self):
            return [weights, np.zeros(32)]

    class FakeModel:
        def get_layer(self, name):
            assert name == "conv1"
            return FakeLayer()

    class FakeInfo:
        available = True
        folder = "/nonexistent"

    monkeypatch.setattr(registry, "get_model_info", lambda name, *args, **kwargs: FakeInfo())
    monkeypatch.setattr(common, "cached_model", lambda name: FakeModel())
    st.cache_data.clear()
    try:
        app = _app(preset="model", filter="5", channel="green")
        _no_problems(app)
        expected = photo_filters.first_layer_kernel(weights, 4, "green")
        assert app.session_state["lab_kernel"] == expected.tolist()
        assert "conv1 filter 5 of 32, showing only its green slice" in "\n".join(
            caption.value for caption in app.caption)
        app.selectbox(key="lab_model_channel").set_value("sum").run()
        _no_problems(app)
        assert app.session_state["lab_kernel"] == photo_filters.first_layer_kernel(weights, 4, "sum").tolist()
        assert app.query_params["channel"] == "sum" and app.query_params["filter"] == "5"
    finally:
        st.cache_data.clear()


# --------------------------------------------------------------------------- bad input


def test_edited_numbers_replace_the_preset_caption_and_fill_the_paste_box():
    app = _app()
    edge_description = "The tutorial's 5×5 image and vertical-edge kernel. First output row: −2, 2, 2."
    assert any(edge_description in caption.value for caption in app.caption)
    version = app.session_state["lab_editor_version"]
    app.session_state[f"lab_image_editor_{version}"] = {
        "edited_rows": {0: {"1": 7}}, "added_rows": [], "deleted_rows": []}  # row 1, column 1: 1 becomes 7
    app.run()
    _no_problems(app)
    captions = "\n".join(caption.value for caption in app.caption)
    assert edge_description not in captions
    assert ("Your own numbers now: the input differs from the preset “Vertical edge on a 5×5 image (the long "
            "tutorial)”, so its description no longer applies.") in captions
    in_use = "7,2,3,0,1\n0,1,2,3,1\n3,2,1,0,2\n1,0,3,2,1\n2,1,0,1,0"
    assert app.text_area(key=f"lab_image_text_{version}").value == in_use
    assert "7×1 + 2×0 + 3×(−1)" in page_text(app)  # the arithmetic uses the edited number too
    app.text_area(key=f"lab_kernel_text_{version}").input("1 1 1\n1 1 1\n1 1 1")
    app.run()  # typing in the paste box, before "Use these numbers", keeps what was typed
    assert app.text_area(key=f"lab_kernel_text_{version}").value == "1 1 1\n1 1 1\n1 1 1"
    _paste(app, "kernel", "1 1 1\n1 1 1\n1 1 1")
    _no_problems(app)
    assert ("Your own numbers now: the input and the kernel differ from the preset “Vertical edge"
            in "\n".join(caption.value for caption in app.caption))


def test_the_caption_is_the_presets_again_for_a_fresh_preset():
    app = _app(image="1,2;3,4")
    assert any("Your own numbers now: the input differs from the preset" in caption.value for caption in app.caption)
    app.selectbox(key="lab_preset").set_value("sobel_x").run()
    _no_problems(app)
    assert [caption.value for caption in app.caption if "brightness" in caption.value] == [
        "Large where brightness changes from left to right."]
    # With stride 2 the edge preset's "First output row: −2, 2, 2" would be false: it is −2, 2.
    app.selectbox(key="lab_preset").set_value("edge").run()
    app.number_input(key="lab_stride").set_value(2).run()
    _no_problems(app)
    assert ("Your own numbers now: the stride differs from the preset “Vertical edge on a 5×5 image (the long "
            "tutorial)”, so its description no longer applies.") in "\n".join(
        caption.value for caption in app.caption)


def test_empty_cell_in_the_editor_is_a_message():
    app = _app()
    version = app.session_state["lab_editor_version"]
    app.session_state[f"lab_image_editor_{version}"] = {
        "edited_rows": {1: {"2": None}}, "added_rows": [], "deleted_rows": []}
    app.run()
    _no_problems(app)
    # An emptied cell counts as 0 (said in a note) and the arithmetic carries on with it.
    assert [info.value for info in app.info] == [
        "The cell at row 2, column 2 of the input is empty, so the lab counts it as 0. Type a number there to "
        "change it."]
    assert app.session_state["lab_image"][1][1] == 0
    assert "1×1 + 2×0 + 3×(−1) + 0×1 + 0×0 + 2×(−1)" in page_text(app)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("image", "1 2 3\n4 5", "ragged: row 2 has 2 numbers but row 1 has 3"),
    ("image", "1 2\n3 abc", "row 2, column 2 holds 'abc', which is not a number"),
    ("image", "1 nan\n3 4", "not a number (NaN)"),
    ("image", "", "is empty"),
    ("image", "\n".join(" ".join(["1"] * 13) for _ in range(13)), "at most 12 × 12"),
    ("kernel", "1 2\n3", "ragged"),
])
def test_bad_pasted_numbers_show_a_message(name, text, message):
    app = _app()
    before = app.session_state[f"lab_{name}"]
    _paste(app, name, text)
    assert not app.exception
    assert any(message in error.value for error in app.error), [error.value for error in app.error]
    assert app.session_state[f"lab_{name}"] == before  # nothing changed


def test_kernel_larger_than_the_input_is_a_message():
    app = _app()
    _paste(app, "kernel", "\n".join(" ".join(["1"] * 6) for _ in range(6)))
    assert not app.exception
    assert any("larger than the padded input" in error.value for error in app.error)
    app.segmented_control(key="lab_padding_mode").set_value("rings").run()
    app.number_input(key="lab_padding_rings").set_value(1).run()
    _no_problems(app)  # one ring of zeros makes the 6×6 kernel fit the 7×7 padded input


def test_good_pasted_numbers_replace_the_matrix_and_go_in_the_link():
    app = _app()
    _paste(app, "image", "1 2 3\n4 5 6\n7 8 9")
    _no_problems(app)
    assert app.session_state["lab_image"] == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert "Step 1 of 2" in page_text(app)  # 1×1 output, plus the ReLU step
    assert app.query_params["image"] == "1,2,3;4,5,6;7,8,9"


def test_bad_link_values_are_warnings_not_errors():
    app = _app(stride="0", preset="nope", padding="wide", image="1,2;3")
    assert not app.exception
    warnings = "\n".join(warning.value for warning in app.warning)
    assert "stride=0 is outside 1…6" in warnings
    assert "preset='nope'" in warnings and "padding='wide'" in warnings and "ragged" in warnings
    assert app.session_state["lab_stride"] == 1


# --------------------------------------------------------------------------- links and state


def test_link_reproduces_preset_settings_and_matrices():
    app = _app(preset="sharpen", stride="2", padding="1", bias="-0.5", relu="1", step="3",
               kernel="0,-1,0;-1,4,-1;0,-1,0")
    _no_problems(app)
    assert app.session_state["lab_stride"] == 2
    assert app.session_state["lab_padding_mode"] == "rings" and app.session_state["lab_padding_rings"] == 1
    assert app.session_state["lab_bias"] == -0.5 and app.session_state["lab_relu"] is True
    assert _step(app) == 3
    assert app.session_state["lab_kernel"] == [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]
    assert "⌊(5 + 2×1 − 3) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3" in page_text(app)
    params = dict(app.query_params)
    assert params["kernel"] == "0,-1,0;-1,4,-1;0,-1,0" and params["bias"] == "-0.5"
    copy = _app(**{name: value for name, value in params.items()})
    assert copy.session_state["lab_kernel"] == app.session_state["lab_kernel"]
    assert _chart_labels(copy, "lab_conv_output_chart") == _chart_labels(app, "lab_conv_output_chart")


def test_settings_survive_switching_views():
    app = _app()
    app.number_input(key="lab_stride").set_value(2).run()
    app.segmented_control(key="lab_view").set_value("decision").run()
    _no_problems(app)
    app.segmented_control(key="lab_view").set_value("convolution").run()
    _no_problems(app)
    assert app.session_state["lab_stride"] == 2
    assert app.number_input(key="lab_stride").value == 2


# --------------------------------------------------------------------------- the other views


def test_colour_view_sums_three_channels():
    app = _app(view="colour")
    _no_problems(app)
    text = page_text(app)
    assert "3×3×3 = 27 weights" in text
    step = convolution.convolve2d(presets.RGB_IMAGE, presets.RGB_KERNEL).step(0)
    assert "490 + 0 + 500 = 990" in text
    assert step.total == 990
    app.slider(key="lab_rgb_step").set_value(4).run()
    _no_problems(app)
    assert _chart_labels(app, "lab_rgb_output")[3] == numbers.format_number(
        convolution.convolve2d(presets.RGB_IMAGE, presets.RGB_KERNEL).output[1, 1])


def test_photo_view_filters_and_loads_a_real_crop():
    app = _app(view="photo")
    _no_problems(app)
    assert len(app.get("imgs")) >= 1 or len(app.get("image")) >= 1
    labels = _chart_labels(app, "lab_crop_chart")
    assert len(labels) == 36
    app.button(key="lab_crop_button").click().run()
    _no_problems(app)
    assert app.session_state["lab_view"] == "convolution"
    image = app.session_state["lab_image"]
    assert len(image) == 6 and len(image[0]) == 6
    assert [numbers.format_number(value) for row in image for value in row] == labels
    assert "6×6 crop of Chelsea the cat" in "\n".join(caption.value for caption in app.caption)
    assert "image" in app.query_params


def test_decision_view_chain():
    app = _app(view="decision")
    _no_problems(app)
    text = page_text(app)
    assert "7 × 7 × 128 = 6,272" in text
    assert "6,272 × 512 weights + 512 biases = 3,211,776" in text
    assert "150 → 148 → 74 → 72 → 36 → 34 → 17 → 15 → 7" in text
    assert "x = [6, 8, 14, 16]" in text
    assert "z = 0.5×6 + (−0.25)×8 + 0.25×14 + (−0.125)×16 + 0.5 = 3" in text
    assert "ReLU(3) = max(0, 3) = 3" in text
    assert "σ(" in text and "dogs" in text
    app.number_input(key="lab_dense_bias").set_value(-10.0).run()
    _no_problems(app)
    assert "ReLU(−7.5) = max(0, −7.5) = 0" in page_text(app)


def test_a_stride_beyond_the_lab_is_clamped_with_a_message():
    app = _app()
    app.number_input(key="lab_stride").set_value(99).run()
    _no_problems(app)
    assert [info.value for info in app.info] == [
        "Stride 99 is more than the lab allows (6 at most), so it uses 6. A stride of 6 already moves the window "
        "half across the largest 12 × 12 input in one step."]
    assert app.session_state["lab_stride"] == 6 and app.query_params["stride"] == "6"
    assert "⌊(5 + 2×0 − 3) / 6⌋ + 1 = ⌊2 / 6⌋ + 1 = 1" in page_text(app)
    app.run()
    assert not app.info  # said once, not on every rerun


def test_a_huge_output_neuron_says_its_probability_only_rounds_to_1():
    app = _app(view="decision")
    app.number_input(key="lab_output_bias").set_value(50.0).run()
    _no_problems(app)
    # z = 0.4×3 + (−0.3)×1.5 + 0.2×0 + 0.5×3 + (−0.6)×0.8 + 0.3×2.2 + 50 = 52.43; 1 − σ(52.43) ≈ 1.7 × 10⁻²³.
    assert "A probability of 0.99999… (1 − 1.7 × 10⁻²³, which rounds to 1) for class 1" in page_text(app)


def test_the_pooled_map_from_the_convolution_shows_no_float_noise():
    app = _app(image=";".join([",".join(["0.1"] * 5)] * 5), kernel="0.1,0.1;0.1,0.1", view="decision")
    _no_problems(app)
    # Every window sums 4 × 0.1 × 0.1 = 0.04, which floating point makes 0.04000000000000001.
    pooled = app.get("dataframe")[0].value
    assert pooled.to_numpy().tolist() == [[0.04, 0.04], [0.04, 0.04]]
    assert "x = [0.04, 0.04, 0.04, 0.04]" in page_text(app)
