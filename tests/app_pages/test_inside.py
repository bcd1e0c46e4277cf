"""AppTest: the "inside the model" page with the demo photo and the classic network."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from core.imaging.photo import Photo
from core.models import registry
from tests.conftest import PROJECT_ROOT, page_text
from tests.support import honest_answers
from tests.support.requirements import require
from ui import resources
from ui.session import PHOTO_KEY

PAGE = str(PROJECT_ROOT / "app_pages" / "inside.py")
FEATURES, GRADCAM, PATTERN = "Feature maps", "Where it looked", "What a filter looks for"
NEAREST = "Similar training photos"


def classic_app(section: str | None = None, photo: Photo | None = None) -> tuple[AppTest, str]:
    """The page showing the classic model: the shipped one when present, else the untrained one."""
    app = AppTest.from_file(PAGE, default_timeout=180)
    if photo is not None:
        app.session_state[PHOTO_KEY] = photo
    if section is not None:
        app.session_state["inside_section"] = section
    app.run()
    assert not app.exception, app.exception
    available = [info.name for info in registry.list_models() if info.available]
    if "classic" in available:
        app.selectbox(key="inside_model").set_value("classic").run()
        if app.toggle(key="inside_untrained").value:
            app.toggle(key="inside_untrained").set_value(False).run()
        model_key = "classic"
    else:
        if available:  # Other models are shipped, but not classic: use the untrained one.
            app.toggle(key="inside_untrained").set_value(True).run()
        model_key = "classic (untrained)"
    assert not app.exception, app.exception
    return app, model_key


def number_input(app: AppTest, label: str):
    """The number input whose label starts with ``label`` ("Row" finds "Row (1–148)")."""
    return next(widget for widget in app.number_input if widget.label.startswith(label))


def test_feature_maps_for_two_layers_show_their_shapes():
    app, model_key = classic_app(FEATURES)
    assert [s.value for s in app.subheader] == ["conv1: 32 maps of 148×148 (148×148×32)"]
    assert not app.dataframe  # every layer's maps are the heaviest view: only when asked for
    app.toggle(key="inside_overview_on").set_value(True).run()
    table = app.dataframe[0].value
    assert list(table["feature maps (height×width×maps)"]) == [
        "148×148×32", "74×74×32", "72×72×64", "36×36×64", "34×34×128", "17×17×128", "15×15×128", "7×7×128"]
    assert any("matches the model: ✓" in s.value for s in app.success)

    app.selectbox(key=f"inside_layer_{model_key}").set_value("pool2").run()
    assert not app.exception, app.exception
    assert [s.value for s in app.subheader] == ["pool2: 64 maps of 36×36 (36×36×64)"]
    assert any("matches the model: ✓" in s.value for s in app.success)
    assert "keeps its max" in page_text(app)

    app.selectbox(key=f"inside_layer_{model_key}").set_value("conv3").run()
    assert not app.exception, app.exception
    assert [s.value for s in app.subheader] == ["conv3: 128 maps of 34×34 (34×34×128)"]
    assert len(app.multiselect) == 1 and len(app.multiselect[0].value) == 3  # the 3 strongest of 64 input maps
    assert "3×3×64 window of the maps made by **pool2**" in page_text(app)
    assert any("matches the model: ✓" in s.value for s in app.success)


def test_drill_down_follows_the_typed_position():
    app, _ = classic_app(FEATURES)
    # Rows and columns count from 1, as in the lab: row 1, column 147 is the top-right corner of conv1's 148×148.
    number_input(app, "Row").set_value(1).run()
    number_input(app, "Column").set_value(147).run()
    assert not app.exception, app.exception
    body = page_text(app)
    assert "row 1, column 147" in body and "input rows 1–3, columns 147–149" in body and "ReLU: max(0," in body
    assert any("matches the model: ✓" in s.value for s in app.success)


def click_chart(app: AppTest, key: str, payload: dict) -> None:
    """Rerun as if the browser reported ``payload`` as the selection of the Plotly chart ``key``.

    AppTest cannot click a chart, so the selection goes in the way the browser
    sends it: as the chart's widget state, next to every other widget's value.
    """
    chart = next(element for element in app.get("plotly_chart") if element.proto.id.endswith(f"-{key}"))
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(payload)))
    app._run(states)


def test_clicking_a_feature_map_cell_moves_the_drill_down():
    """The click payload as Streamlit delivers it for this chart: customdata as a dict keyed "0", "1"."""
    app, model_key = classic_app(FEATURES)
    channel = app.selectbox(key=f"inside_map_{model_key}_conv1").value
    assert "row 3, column 4 of map" not in page_text(app)
    payload = {"selection": {"points": [{"x": 3, "y": 2, "customdata": {"0": 2, "1": 3}, "curve_number": 1,
                                         "point_number": 2 * 148 + 3, "point_index": 2 * 148 + 3}],
                             "point_indices": [2 * 148 + 3], "box": [], "lasso": []}}
    click_chart(app, f"inside_zoom_{model_key}_conv1_{channel}", payload)
    assert not app.exception, app.exception
    # The click reports 0-based positions; the page counts from 1, as the lab does.
    assert f"The value at row 3, column 4 of map {channel + 1}" in page_text(app)  # maps counted from 1
    assert (number_input(app, "Row").value, number_input(app, "Column").value) == (3, 4)
    assert any("matches the model: ✓" in s.value for s in app.success)

    # The chart keeps reporting that click; a position typed afterwards still wins.
    number_input(app, "Column").set_value(6).run()
    assert not app.exception, app.exception
    assert f"The value at row 3, column 6 of map {channel + 1}" in page_text(app)


def test_filters_section_compares_trained_and_untrained():
    app, model_key = classic_app()
    body = page_text(app)
    assert "**conv1**: 32 filters of 3×3×3 weights + 1 bias each = 896 numbers." in body
    assert "Keras starts every bias at exactly 0" in body
    app.selectbox(key=f"inside_layer_{model_key}").set_value("pool2").run()
    assert not app.exception, app.exception
    assert "**conv2**: 64 filters of 3×3×32 weights + 1 bias each = 18,496 numbers." in page_text(app)


def test_gradcam_section_renders_for_classic():
    app, model_key = classic_app(GRADCAM)
    captions = [c.value for c in app.caption]
    assert sum("conv4: a 15×15 map stretched to 150×150" in c for c in captions) == 2
    # two Grad-CAM overlays, occlusion and its grid of drops, saliency, saliency on the photo
    assert len(app.get("plotly_chart")) == 6
    assert app.slider(key="inside_opacity").value == 0.5
    app.slider(key="inside_opacity").set_value(0.8).run()
    assert not app.exception, app.exception
    if model_key == "classic":
        assert "untrained" not in " ".join(captions).lower()


def test_occlusion_caption_follows_the_square_size_and_step():
    app, _ = classic_app(GRADCAM)

    def cost() -> str:
        return next(c.value for c in app.caption if "grey square" in c.value)

    # classic sees 150×150 pixels. A quarter of the side is a 38-pixel square; half of it, 19, is the longest step:
    # 7 places over the 112 pixels it can move (18 or 19 apart), 7×7 places and the uncovered photo.
    assert ("A grey square of 38×38 pixels, moved 18 to 19 pixels at a time, covered 49 places (7×7): 50 network runs"
            in cost())
    app.select_slider(key="inside_occlusion_patch").set_value(Fraction(1, 2)).run()
    assert not app.exception, app.exception
    # Half the side: a 75-pixel square, at most 37 apart over 75 pixels: 0, 25, 50, 75.
    assert ("A grey square of 75×75 pixels, moved 25 pixels at a time, covered 16 places (4×4): 17 network runs"
            in cost())
    app.radio(key="inside_occlusion_step").set_value("the whole square (side by side)").run()
    assert not app.exception, app.exception
    # Side by side: 75 apart, at 0 and 75 only.
    assert "A grey square of 75×75 pixels, moved 75 pixels at a time, covered 4 places (2×2): 5 network runs" in cost()
    assert " of 4 places the score for " in page_text(app)  # the grid of drops beside it has the same 4 cells


def expected_neighbours(name: str, pixels: np.ndarray, count: int = 8) -> list[tuple[str, str, float]]:
    """(label, file, distance) of the nearest training photos by brute force on the stored bank, nearest first.

    Computed apart from core.explain.nearest_photos: the model's own feature extractor on the network input,
    then every stored row's cosine distance in float64 and a stable sort of all 8,000.
    """
    from core.explain.neighbour_bank import BANK_FILE
    from core.imaging.resize import network_input
    from core.prediction.features import FINAL_INPUT, feature_extractor

    info = registry.get_model_info(name)
    extractor = feature_extractor(registry.load_model(info))
    batch = network_input(pixels, extractor.input_size)[None].astype(np.float32)
    query = np.asarray(extractor(batch).by_layer[FINAL_INPUT][0], np.float64)
    with np.load(info.folder / BANK_FILE) as stored:
        rows, labels, files = stored["rows"].astype(np.float64), stored["labels"], stored["files"]
        class_names = [str(name) for name in stored["class_names"]]
    distances = 1 - rows @ query / (np.linalg.norm(rows, axis=1) * np.linalg.norm(query))
    order = np.argsort(distances, kind="stable")[:count]
    return [(class_names[labels[i]].rstrip("s"), str(files[i]), float(distances[i])) for i in order]


def nearest_app(monkeypatch, data_dir: Path) -> AppTest:
    require(any(info.name == "classic" and info.available for info in registry.list_models()),
            "the shipped classic model")
    monkeypatch.setenv("CNN_CLASSROOM_DATA", str(data_dir))
    app, model_key = classic_app(NEAREST)
    assert model_key == "classic"
    return app


def assert_table_matches(app: AppTest, expected: list[tuple[str, str, float]]) -> None:
    table = app.dataframe[0].value
    assert list(table["rank"]) == list(range(1, 9))
    assert list(table["label"]) == [label for label, _, _ in expected]
    assert list(table["training photo"]) == [file for _, file, _ in expected]
    # Shown to 3 significant digits; the stored rows are float16 (within 1e-3 of the float64 brute force).
    np.testing.assert_allclose([float(d) for d in table["distance"]], [d for _, _, d in expected], rtol=5e-3, atol=1e-3)


def training_photos_shown(app: AppTest) -> list:
    """The images (their protos: url, caption, alt) the page drew for training photos, in page order."""
    images = [image for kind in ("image", "imgs") for element in app.get(kind) for image in element.proto.imgs]
    return [image for image in images if image.alt.startswith("Training photo ")]


def test_similar_training_photos_are_the_banks_nearest_with_their_photos(monkeypatch, shared_data_dir):
    app = nearest_app(monkeypatch, shared_data_dir)
    assert not app.exception, app.exception
    expected = expected_neighbours("classic", resources.cached_demo_photo().pixels)
    assert_table_matches(app, expected)
    assert list(app.dataframe[0].value["on this machine"]) == ["yes"] * 8
    shown = training_photos_shown(app)
    assert [image.caption for image in shown] == [f"{rank}. {label} · " + table_distance for rank, (label, _, _),
                                                  table_distance in zip(range(1, 9), expected,
                                                                        app.dataframe[0].value["distance"])]
    assert [image.alt.split(",")[0] for image in shown] == [
        f"Training photo {rank} of 8: {label}" for rank, (label, _, _) in enumerate(expected, start=1)]
    for image, (_, _, distance) in zip(shown, expected):
        assert float(image.alt.rsplit("distance ", 1)[1]) == pytest.approx(distance, rel=5e-3, abs=1e-3)
    body = page_text(app)
    assert "Layer compared, from the model's card: **final dense input**, the 512 numbers" in body
    assert "not on this machine" not in body
    dogs = sum(label == "dog" for label, _, _ in expected)
    assert (f"{dogs} of the 8 nearest" in body or f"{8 - dogs} of the 8 nearest" in body
            or "All 8 nearest training photos" in body)


def test_without_the_training_photos_the_labels_distances_and_download_command_show(monkeypatch, tmp_path):
    from core.explain.nearest_photos import GET_PHOTOS

    app = nearest_app(monkeypatch, tmp_path / "no-photos-here")
    assert not app.exception, app.exception
    expected = expected_neighbours("classic", resources.cached_demo_photo().pixels)
    assert_table_matches(app, expected)
    assert list(app.dataframe[0].value["on this machine"]) == ["no"] * 8
    assert not training_photos_shown(app)
    cards = [m.value for m in app.markdown if m.value.startswith("**") and " · " in m.value]
    assert [card.split(" · ")[0] for card in cards] == [f"**{rank}. {label}" for rank, (label, _, _) in
                                                         enumerate(expected, start=1)]
    line = next(info.value for info in app.info if "not on this machine" in info.value)
    assert line.startswith("The photos are not on this machine") and f"`{GET_PHOTOS[0]}`" in line


def test_the_untrained_network_has_no_training_photos_to_compare(monkeypatch, tmp_path):
    app = nearest_app(monkeypatch, tmp_path)
    app.toggle(key="inside_untrained").set_value(True).run()
    assert not app.exception, app.exception
    assert any("has learned from no photos" in info.value for info in app.info)
    assert "Layer compared" not in page_text(app) and not app.dataframe


def test_a_bank_naming_a_file_outside_the_data_folder_is_refused_on_the_page(monkeypatch, tmp_path):
    from core.explain.neighbour_bank import NeighbourBank
    from ui.resources import inside as inside_resources

    def refused(name):
        return NeighbourBank("final dense input", ("cats", "dogs"), np.eye(2, dtype=np.float32), np.array([0, 1]),
                             ("train/cats/ok.jpg", "../../etc/passwd"))

    monkeypatch.setattr(inside_resources, "cached_neighbour_bank", refused)
    app = nearest_app(monkeypatch, tmp_path)
    assert not app.exception, app.exception
    assert any("cannot be used: A bank's files must be relative to the data folder" in e.value for e in app.error)
    assert not app.dataframe and not training_photos_shown(app)


def test_photo_from_the_classify_page_is_used():
    pixels = np.zeros((90, 120, 3), np.uint8)
    pixels[:, 60:] = (250, 200, 10)
    app, _ = classic_app(FEATURES, photo=Photo(name="from-classify.png", pixels=pixels, source="upload"))
    assert any("from-classify.png" in expander.label for expander in app.expander)
    assert [s.value for s in app.subheader] == ["conv1: 32 maps of 148×148 (148×148×32)"]


@pytest.mark.slow
def test_pattern_search_runs_on_demand():
    app, model_key = classic_app(PATTERN)
    assert "Press the button" in page_text(app)
    app.slider(key="inside_pattern_steps").set_value(10).run()
    app.button(key="inside_pattern_go").click().run()
    assert not app.exception, app.exception
    assert "Maximised: the mean of the filter's raw sums over the picture, before its ReLU, from " in page_text(app)


def test_nested_transfer_model_renders(monkeypatch):
    """The transfer architecture (MobileNet nested inside the classifier) on every section, without shipped files."""
    import keras

    import ui.resources as common
    from core.models import architectures

    keras.utils.set_random_seed(0)
    model = architectures.transfer(image_size=96, weights=None)
    info = registry.ModelInfo(name="nested-test", title="Transfer (test)", architecture="transfer", kind="transfer",
                              input_size=(96, 96), class_names=("cats", "dogs"), test_accuracy=0.9,
                              folder=Path("/nonexistent"))
    monkeypatch.setattr(common, "cached_model_list", lambda: [info])
    monkeypatch.setattr(common, "cached_model", lambda name: model)
    base = model.layers[2].name

    app = AppTest.from_file(PAGE, default_timeout=180)
    app.session_state["inside_section"] = FEATURES
    app.run()
    assert not app.exception, app.exception
    assert [s.value for s in app.subheader] == [f"{base}/conv1: 8 maps of 48×48 (48×48×8)"]
    assert any("matches the model: ✓" in s.value for s in app.success)
    app.selectbox(key="inside_layer_nested-test").set_value("head/head_conv").run()
    assert [s.value for s in app.subheader] == ["head/head_conv: 128 maps of 3×3 (3×3×128)"]
    assert any("matches the model: ✓" in s.value for s in app.success)

    app.session_state["inside_section"] = GRADCAM
    app.run()
    assert not app.exception, app.exception
    assert sum("head/head_conv: a 3×3 map" in c.value for c in app.caption) == 2
    app.selectbox(key="inside_cam_layer_nested-test").set_value(f"{base}/conv_pw_13_relu").run()
    assert not app.exception, app.exception
    assert sum(f"{base}/conv_pw_13_relu: a 3×3 map" in c.value for c in app.caption) == 2


def test_the_answer_uses_the_cards_calibration_as_the_classify_page_does():
    require(any(info.name == "classic" and info.available for info in registry.list_models()),
            "the shipped classic model")
    app, _ = classic_app()
    demo = resources.cached_demo_photo()
    calibrated = honest_answers.calibrated_probabilities("classic", [demo.pixels])[0]
    raw = honest_answers.raw_probabilities("classic", [demo.pixels])[0]
    # The Classify page's answer, whichever verdict its score gives: the best guess and its percentage.
    percent = honest_answers.whole_percent(calibrated[0])
    neither = "Neither a cat nor a dog?" in page_text(app)
    assert honest_answers.expected_summary("classic", calibrated, neither) in page_text(app)
    assert f"cat: {percent}" in page_text(app)
    assert honest_answers.whole_percent(calibrated[0]) != honest_answers.whole_percent(raw[0])  # T = 1.46 shows
