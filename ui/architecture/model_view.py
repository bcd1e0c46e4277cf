"""One model, read back from Keras: totals, the layer table, nested models, the two charts and the glossary.

Both tabs of the Architecture page show their model with :func:`show_model`.
"""

from __future__ import annotations

import keras
import streamlit as st

from core.arithmetic.numbers import format_count
from core.explain.glossary import glossary
from core.figures.architecture import parameter_figure, shape_flow_figure
from core.models import summary
from core.models.catalogue import SavedSize
from ui.components.charts import show_chart

TRAINED_HELP = ("yes: training on the photos changed these weights. frozen: kept as they were (a base trained "
                "before, on ImageNet). partly: such a base whose top layers were fine-tuned. —: no weights.")
FORMULA_HELP = ("Convolution: kernel height × kernel width × input channels × filters, plus one bias per filter. "
                "Dense: inputs × units, plus one bias per unit. Batch normalisation: 4 numbers per channel.")
LAB_LINK = "[Convolution & pooling lab](./lab)"
#: Height of one data frame row in pixels, and the most a table may take before it scrolls.
ROW_HEIGHT = 35
MAX_TABLE_HEIGHT = 640
#: Pixels per character of table text and the padding of a cell: columns as wide as their longest entry.
CHARACTER_WIDTH = 7
CELL_PADDING = 16


def show_totals(table: summary.ModelTable, saved: SavedSize | None = None) -> None:
    columns = st.columns(4)
    columns[0].metric("Parameters", format_count(table.total_parameters))
    columns[1].metric("Trainable", format_count(table.trainable_parameters))
    columns[2].metric("Frozen or tracked", format_count(table.non_trainable_parameters),
                      help="Frozen weights (a pretrained base) and batch-norm averages: not changed by gradients.")
    columns[3].metric("Size (float32)", f"{table.size_megabytes:.1f} MB",
                      help="Parameters × 4 bytes, 1 MB = 1,000,000 bytes.")
    st.markdown(table.weights_sentence + (f" {saved.sentence}" if saved is not None else ""))


def show_table(table: summary.ModelTable, key: str) -> None:
    # Tall enough to show every row of a small model; a long one (MobileNet) scrolls.
    height = min(ROW_HEIGHT * (len(table.rows) + 1) + 3, MAX_TABLE_HEIGHT)
    columns = table.columns()
    # Each column as wide as its longest entry, so no layer name or formula is cut off (the table scrolls
    # sideways on a narrow screen instead).
    widths = {name: CELL_PADDING + CHARACTER_WIDTH * max(len(name), *(len(value) for value in values))
              for name, values in columns.items()}
    config = {name: st.column_config.TextColumn(width=width) for name, width in widths.items()}
    config["how they are counted"] = st.column_config.TextColumn(width=widths["how they are counted"],
                                                                 help=FORMULA_HELP)
    if "trained" in widths:
        config["trained"] = st.column_config.TextColumn(width=widths["trained"], help=TRAINED_HELP)
    st.dataframe(columns, hide_index=True, key=f"{key}_table", height=height, column_config=config)


def show_nested(model: keras.Model, key: str) -> None:
    """An expander per model used as one layer (the transfer model's base and head)."""
    nested_models = summary.nested_models(model)
    for nested in nested_models:
        nested_table = summary.layer_table(nested)
        with st.expander(f"Inside `{nested.name}`: {len(nested_table.rows)} layers, "
                         f"{format_count(nested_table.total_parameters)} parameters "
                         f"({summary.training_state(nested)})"):
            show_table(nested_table, f"{key}_{nested.name}")
    if nested_models:
        st.caption("A nested model counts as one row above; open it to see its own layers. What each part does, "
                   "and why a base trained on other photos helps, is under “What each kind of layer does” below.")


def show_glossary(model: keras.Model, expanded: bool) -> None:
    with st.expander("What each kind of layer does", expanded=expanded):
        for entry in glossary(model):
            st.markdown(f"**{entry.title}**: {entry.text}")
        st.markdown(f"Work through the arithmetic of a convolution, ReLU and max pooling by hand on the {LAB_LINK} "
                    "page.")


def show_model(model: keras.Model, key: str, saved: SavedSize | None = None,
               explain_open: bool = False) -> summary.ModelTable:
    """Everything about ``model``; ``key`` ("shipped" or "custom") prefixes the widget keys."""
    table = summary.layer_table(model)
    show_totals(table, saved)
    show_table(table, key)
    show_nested(model, key)
    # A small nested model (the transfer model's head) is drawn layer by layer; a big base stays one box.
    small_nested = {nested.name: summary.layer_table(nested) for nested in summary.nested_models(model)
                    if len(nested.layers) <= summary.EXPANDED_NESTED_LAYERS}
    show_chart(shape_flow_figure(summary.shape_flow(table, small_nested)), key=f"{key}_flow")
    st.caption("Each box is one layer's output: its height follows the feature maps' height, its slanted depth "
               "their width, and its thickness grows with the number of channels. Thin bars are vectors "
               "(after Flatten or global pooling). Hover a box for its exact shape.")
    show_chart(parameter_figure(table), key=f"{key}_parameters")
    show_glossary(model, explain_open)
    return table
