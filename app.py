"""CNN Classroom: see how a convolutional neural network reads a photo.

Start it with ``streamlit run app.py``.
"""

import streamlit as st

from ui.classroom.membership import BOARD_PATH, join_if_invited, keep_class_in_link, read_class_link
from ui.components.style import apply_style
from ui.components.weights_fetch import fetch_weights_once
from ui.resources.classroom import sweep_once_started
from ui.server_tuning import tune_streamlit_for_a_class
from ui.session import keep_photo_in_link

tune_streamlit_for_a_class()  # no Keras clearing and no config polling on every run of every session
st.set_page_config(page_title="CNN Classroom", page_icon="🐾", layout="wide")
apply_style()  # the app's one stylesheet: touch targets and the phone layout

pages = {
    "Teach": [
        st.Page("app_pages/lesson.py", title="Lesson: pixels to prediction", icon="🎓"),
        st.Page("app_pages/board.py", title="Class board", icon="🧑‍🏫"),
    ],
    "Use the model": [
        st.Page("app_pages/classify.py", title="Classify a photo", icon="📷", default=True),
    ],
    "Look inside": [
        st.Page("app_pages/inside.py", title="Filters, feature maps, Grad-CAM", icon="🔍"),
        st.Page("app_pages/architecture.py", title="Architecture", icon="🧱"),
        st.Page("app_pages/fragility.py", title="How fragile is it?", icon="🥚"),
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
read_class_link()  # a teacher address or a lesson step's class code, once per session
keep_class_in_link()  # ?class=<code> on every page, as the photo
if page.url_path != BOARD_PATH:  # the board asks for a nickname; a step's QR code joins as "Student N"
    join_if_invited()
page.run()
sweep_once_started()  # after the page is drawn: expired classes go on a server's first visit, then hourly
