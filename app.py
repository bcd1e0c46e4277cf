"""CNN Classroom: see how a convolutional neural network reads a photo.

Start it with ``streamlit run app.py``.
"""

import streamlit as st

st.set_page_config(page_title="CNN Classroom", page_icon="🐾", layout="wide")

pages = {
    "Use the model": [
        st.Page("pages/classify.py", title="Classify a photo", icon="📷", default=True),
    ],
    "Look inside": [
        st.Page("pages/inside.py", title="Filters, feature maps, Grad-CAM", icon="🔍"),
        st.Page("pages/architecture.py", title="Architecture", icon="🧱"),
    ],
    "The arithmetic": [
        st.Page("pages/lab.py", title="Convolution & pooling lab", icon="🧮"),
    ],
    "Learning": [
        st.Page("pages/dataset.py", title="Dataset & augmentation", icon="🗂️"),
        st.Page("pages/training.py", title="Training", icon="📈"),
    ],
}

st.navigation(pages).run()
