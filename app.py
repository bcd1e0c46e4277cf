"""CNN Classroom: see how a convolutional neural network reads a photo.

Start it with ``streamlit run app.py``.
"""

import streamlit as st

from ui.resources import freeze_garbage_once

st.set_page_config(page_title="CNN Classroom", page_icon="🐾", layout="wide")

pages = {
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
freeze_garbage_once()
page.run()
