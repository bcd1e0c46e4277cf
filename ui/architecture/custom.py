"""The "Build your own" tab: a few controls, and the real Keras model they make."""

from __future__ import annotations

import streamlit as st

from core.models import custom, summary
from ui.architecture.model_view import show_model
from ui.resources import architecture as architecture_resources

INPUT_SIZES = [32, 64, 96, 128, 150, 160, 192, 224, 256]
KERNEL_SIZES = [1, 3, 5, 7]
DENSE_UNITS = [0, 32, 64, 128, 256, 512, 1024]
BLOCK_CHOICES = [8, 16, 32, 64, 128, 256, 512]
#: The classic model's filters for its four blocks, then two more for the fifth and sixth.
DEFAULT_FILTERS = [32, 64, 128, 128, 256, 256]
HEAD_LABELS = {"flatten": "Flatten", "global_average": "Global average pooling"}
INTRO = ("Change the controls and the real Keras model is rebuilt. The defaults are the classic tutorial "
         "model; try **same** padding or **global average pooling** and watch the parameter count.")


def read_custom_controls() -> custom.CustomArchitecture:
    first, second, third = st.columns(3)
    input_size = first.select_slider("Input size (pixels)", INPUT_SIZES, value=150, key="custom_input")
    blocks = first.slider("Conv blocks", 1, len(DEFAULT_FILTERS), 4, key="custom_blocks")
    kernel = first.select_slider("Kernel size", KERNEL_SIZES, value=3, key="custom_kernel")
    padding = second.radio("Padding", ["valid", "same"], horizontal=True, key="custom_padding",
                           help="valid: no border, each convolution shrinks the map by kernel − 1. "
                                "same: a border of zeros keeps the size.")
    pooling = second.radio("Pooling after each block", list(custom.POOLING), horizontal=True, key="custom_pooling")
    batch_norm = second.checkbox("Batch normalisation after each convolution", key="custom_batchnorm")
    head = second.radio("Before the dense layers", list(custom.HEADS), horizontal=True, key="custom_head",
                        format_func=HEAD_LABELS.__getitem__)
    dense_units = third.select_slider("Dense units (0 = none)", DENSE_UNITS, value=512, key="custom_dense")
    dropout = third.slider("Dropout", 0.0, 0.8, 0.5, step=0.1, key="custom_dropout")
    classes = third.number_input("Output classes", 2, 100, 2, key="custom_classes")
    st.markdown("**Filters per block**")
    filter_columns = st.columns(len(DEFAULT_FILTERS))
    filters = [filter_columns[block].selectbox(f"Block {block + 1}", BLOCK_CHOICES,
                                               index=BLOCK_CHOICES.index(DEFAULT_FILTERS[block]),
                                               key=f"custom_filters_{block}")
               for block in range(blocks)]
    return custom.CustomArchitecture(
        input_size=int(input_size), filters=tuple(int(value) for value in filters), kernel_size=int(kernel),
        padding=padding, pooling=pooling, batch_norm=batch_norm, head=head, dense_units=int(dense_units),
        dropout=float(dropout), num_classes=int(classes),
    )


def custom_tab() -> None:
    st.markdown(INTRO)
    spec = read_custom_controls()
    try:
        model = architecture_resources.cached_custom_model(spec)
    except ValueError as error:
        st.error(str(error))
        return
    table = show_model(model, "custom")
    classic = summary.layer_table(architecture_resources.cached_untrained_model("classic"))
    st.info(custom.comparison_sentence(table.total_parameters, classic.total_parameters))
