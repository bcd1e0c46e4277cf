"""CNN Classroom: see how a convolutional neural network reads a photo.

Start it with ``streamlit run app.py``.
"""

import streamlit as st

from ui.components.style import apply_style
from ui.components.weights_fetch import fetch_weights_once
from ui.server_tuning import tune_streamlit_for_a_class
from ui.session import keep_photo_in_link

tune_streamlit_for_a_class()  # no Keras clearing and no config polling on every run of every session
st.set_page_config(page_title="CNN Classroom", page_icon="🐾", layout="wide")
apply_style()  # the app's one stylesheet: touch targets and the phone layout

pages = {
    "Teach": [
        st.Page("app_pages/lesson.py", title="Lesson: pixels to prediction", icon="🎓"),
    ],
    "Use the model": [
        st.Page("app_pages/classify.py", title="Classify a photo", icon="📷", default=True),
    ],
    "Look inside": [
        st.Page("app_pages/inside.py", title="Filters, feature maps, Grad-CAM", icon="🔍"),
        st.Page("app_pages/architecture.py", title="Architecture", icon="🧱"),
    ],
    "The arithmetic": [
        st.Page("app_pages/lab.py", title="Convolution & pooling lab", icon="🧮"),
    ],
    "Learning": [
        st.Page("app_pages/dataset.py", title="Dataset & augmentation", icon="🗂️"),
        st.Page("app_pages/training.py", title="Training", icon="📈"),
    ],
}

page = st.navigation(pages)
fetch_weights_once()  # first start with internet: the default transfer model's base weights, once
keep_photo_in_link()  # ?photo=<id> on every page: a page switch drops it, a reload reads it back
page.run()
