"""ui.classify views on their own: the crop sliders' range, and photos that must match predictions."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.imaging.photo import Photo
from core.prediction.novelty import NoveltyVerdict
from core.prediction.photo_answer import PhotoAnswer
from ui.classify.photo_result import highlighted_class, photo_results
from ui.classify.results_table import results_table


def crop_sliders_script():
    import numpy as np
    import streamlit as st

    from core.prediction.inputs import ModelInput
    from ui.classify.model_input import crop_controls

    spec = crop_controls(ModelInput(np.zeros((20, 30, 3), np.uint8), "uses them as they are"))
    st.write(f"spec {spec.top} {spec.left}")


def test_the_crop_sliders_keep_the_square_inside_the_input():
    app = AppTest.from_function(crop_sliders_script, default_timeout=60)
    app.run()
    assert not app.exception
    top, left = app.slider(key="crop_top"), app.slider(key="crop_left")
    assert (top.min, top.max, top.value) == (0, 14, 7)
    assert (left.min, left.max, left.value) == (0, 24, 12)
    top.set_value(3)
    left.set_value(24)
    app.run()
    assert app.markdown[-1].value == "spec 3 24"


def answer(cat: float, score: float | None = None) -> PhotoAnswer:
    """An answer with the app saying "not sure" below 80%, and a "neither" line at 10 when ``score`` is given."""
    novelty = None if score is None else NoveltyVerdict(score, 10.0, "cats and dogs", 0.03)
    return PhotoAnswer("a.jpg", ("cats", "dogs"), (cat, 1 - cat), (cat, 1 - cat), 0.8, novelty=novelty)


@pytest.mark.parametrize("view", [results_table, photo_results])
def test_every_photo_needs_its_answer(view):
    photo = Photo(name="a.jpg", pixels=np.zeros((4, 4, 3), np.uint8), source="upload")
    with pytest.raises(ValueError, match="1 photos but 2 answers"):
        view([photo], [answer(0.9), answer(0.9)])


def test_only_a_named_answer_colours_its_bar():
    assert highlighted_class(answer(0.1)) == 1
    assert highlighted_class(answer(0.7)) is None  # "not sure": below the 80% line
    assert highlighted_class(answer(0.95, score=12.0)) is None  # "neither"
    assert highlighted_class(answer(0.95, score=8.0)) == 0
