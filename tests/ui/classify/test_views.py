"""ui.classify views on their own: the crop sliders' range, and photos that must match predictions."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.imaging.photo import Photo
from core.prediction.answers import Prediction
from ui.classify.photo_result import photo_results
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


@pytest.mark.parametrize("view", [results_table, photo_results])
def test_every_photo_needs_its_prediction(view):
    photo = Photo(name="a.jpg", pixels=np.zeros((4, 4, 3), np.uint8), source="upload")
    prediction = Prediction(("cats", "dogs"), (0.9, 0.1))
    with pytest.raises(ValueError, match="1 photos but 2 predictions"):
        view([photo], [prediction, prediction])
