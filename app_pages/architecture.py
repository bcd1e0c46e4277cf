"""Architecture: every layer of a real Keras model, its shapes and its parameter arithmetic."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.arithmetic import shape_chain
from core.arithmetic.numbers import format_count
from core.figures.architecture import padding_figure, parameter_figure, shape_flow_figure
from core.models import architectures, custom, summary
from ui import resources

FORMULA_HELP = ("Convolution: kernel height × kernel width × input channels × filters, plus one bias per filter. "
                "Dense: inputs × units, plus one bias per unit. Batch normalisation: 4 numbers per channel.")
LAB_LINK = "[Convolution & pooling lab](./lab)"
BLOCK_CHOICES = [8, 16, 32, 64, 128, 256, 512]
DEFAULT_FILTERS = [32, 64, 128, 128, 256, 256]
INPUT_SIZES = [32, 64, 96, 128, 150, 160, 192, 224, 256]


# ----------------------------------------------------------------------------
# Models (built once per process)
# ----------------------------------------------------------------------------


@st.cache_resource(show_spinner="Building the model…", max_entries=16)
def model_in_code(architecture: str):
    """An untrained copy of an architecture: the shapes and counts do not depend on training."""
    if architecture == "transfer":
        # weights=None: the layer table needs no ImageNet download.
        base = architectures.mobilenet_base(architectures.DEFAULT_IMAGE_SIZE["transfer"], weights=None)
        head = architectures.transfer_head(tuple(base.output.shape[1:]))
        return architectures.assemble_transfer(base, head, architectures.DEFAULT_IMAGE_SIZE["transfer"])
    return architectures.build(architecture)


@st.cache_resource(show_spinner="Building your model…", max_entries=32)
def custom_model(spec_items: tuple):
    return custom.build_custom(custom.CustomArchitecture(**dict(spec_items)))


def shipped_file_megabytes(model_info) -> float | None:
    """Size on disk of a shipped model's files (the transfer base's weight file included)."""
    names = ("head.keras",) if model_info.kind == "transfer" else ("model.keras",)
    files = [model_info.folder / name for name in names]
    if model_info.kind == "transfer":
        weights = architectures.resolve_mobilenet_weights()
        if weights != "imagenet":
            files.append(Path(weights))
    present = [path for path in files if path.is_file()]
    return sum(path.stat().st_size for path in present) / 1e6 if present else None


# ----------------------------------------------------------------------------
# Display pieces shared by both tabs
# ----------------------------------------------------------------------------


def table_frame(table: summary.ModelTable) -> dict:
    return {
        "layer": [row.name for row in table.rows],
        "type": [row.layer_type + (f" ({row.activation})" if row.activation else "") for row in table.rows],
        "output shape": [row.shape_text for row in table.rows],
        "parameters": [format_count(row.parameters) for row in table.rows],
        "how they are counted": [row.formula for row in table.rows],
        "trained": ["yes" if row.trainable_parameters else ("frozen" if row.parameters else "—")
                    for row in table.rows],
    }


def show_totals(table: summary.ModelTable, file_megabytes: float | None = None, key: str = "") -> None:
    columns = st.columns(4)
    columns[0].metric("Parameters", format_count(table.total_parameters))
    columns[1].metric("Trainable", format_count(table.trainable_parameters))
    columns[2].metric("Frozen or tracked", format_count(table.non_trainable_parameters),
                      help="Frozen weights (a pretrained base) and batch-norm averages: not changed by gradients.")
    columns[3].metric("Size (float32)", f"{table.size_megabytes:.1f} MB",
                      help="Parameters × 4 bytes, 1 MB = 1,000,000 bytes.")
    text = (f"**{format_count(table.total_parameters)} parameters** × 4 bytes (float32) = "
            f"**{table.size_megabytes:.2f} MB** of weights.")
    if file_megabytes is not None:
        text += f" The saved file{'s take' if key == 'transfer' else ' takes'} {file_megabytes:.2f} MB on disk."
    st.markdown(text)


def show_table(table: summary.ModelTable, key: str) -> None:
    # Tall enough to show every row of a small model; a long one (MobileNet) scrolls.
    height = min(35 * (len(table.rows) + 1) + 3, 640)
    st.dataframe(table_frame(table), hide_index=True, key=f"{key}_table", height=height,
                 column_config={"how they are counted": st.column_config.TextColumn(help=FORMULA_HELP)})


def show_model(model, key: str, file_megabytes: float | None = None, explain_open: bool = False) -> summary.ModelTable:
    table = summary.layer_table(model)
    show_totals(table, file_megabytes, key)
    show_table(table, key)
    for nested in summary.nested_models(model):
        nested_table = summary.layer_table(nested)
        frozen = "frozen: training does not change it" if not nested.trainable else "trained"
        with st.expander(f"Inside `{nested.name}`: {len(nested_table.rows)} layers, "
                         f"{format_count(nested_table.total_parameters)} parameters ({frozen})"):
            show_table(nested_table, f"{key}_{nested.name}")
    if summary.nested_models(model):
        st.caption("A nested model counts as one row above; open it to see its own layers. The MobileNet base "
                   "was trained on ImageNet and is frozen, so only the head (and nothing inside the base) learns "
                   "from the cats and dogs.")
    steps = summary.shape_flow(table)
    st.plotly_chart(shape_flow_figure(steps), key=f"{key}_flow")
    st.caption("Each box is one layer's output: its height follows the feature maps' height, its slanted depth "
               "their width, and its thickness grows with the number of channels. Thin bars are vectors "
               "(after Flatten or global pooling). Hover a box for its exact shape.")
    st.plotly_chart(parameter_figure(table), key=f"{key}_parameters")
    show_explanations(model, table, explain_open)
    return table


def show_explanations(model, table: summary.ModelTable, expanded: bool) -> None:
    with st.expander("What each kind of layer does", expanded=expanded):
        layers_by_name = {layer.name: layer for layer in model.layers}
        seen = set()
        for row in table.rows:
            key = row.activation if row.name == "output" and row.activation in ("sigmoid", "softmax") else (
                "Functional" if row.nested else row.layer_type)
            if key in seen:
                continue
            seen.add(key)
            title = {"sigmoid": "Output: sigmoid", "softmax": "Output: softmax",
                     "Functional": "Nested model"}.get(key, key)
            st.markdown(f"**{title}**: {summary.explain(row, layers_by_name.get(row.name))}")
            if row.activation == "relu" and "ReLU" not in seen and row.layer_type != "ReLU":
                seen.add("ReLU")
                st.markdown(f"**ReLU**: {summary.EXPLANATIONS['ReLU']}")
        st.markdown(f"Work through the arithmetic of a convolution, ReLU and max pooling by hand on the {LAB_LINK} "
                    "page.")


# ----------------------------------------------------------------------------
# Tab 1: the shipped models (or their architectures built in code)
# ----------------------------------------------------------------------------


def shipped_tab() -> None:
    shipped = {model_info.name: model_info for model_info in resources.cached_model_list() if model_info.available}
    names = list(shipped) + [name for name in architectures.ARCHITECTURES if name not in shipped]

    def label(name: str) -> str:
        if name in shipped:
            return shipped[name].label
        title = architectures.ARCHITECTURES[name].__doc__.strip().splitlines()[0].rstrip(".")
        return f"{name}: {title} (built in code, untrained)"

    default = names.index("classic") if "classic" in names else 0
    chosen = st.selectbox("Model", names, index=default, format_func=label, key="architecture_model")
    file_megabytes = None
    model = None
    if chosen in shipped:
        try:
            model = resources.cached_model(chosen)
            file_megabytes = shipped_file_megabytes(shipped[chosen])
        except (ValueError, OSError) as error:
            st.warning(f"The shipped model could not be loaded ({error}); showing its architecture built in code.")
    if model is None:
        architecture = shipped[chosen].architecture if chosen in shipped else chosen
        if architecture not in architectures.ARCHITECTURES:
            st.error(f"Unknown architecture {architecture!r}.")
            return
        model = model_in_code(architecture)
        st.caption("Not trained here yet, so this is the same architecture built in code: the layers, shapes and "
                   "parameter counts do not depend on training.")
    show_model(model, "shipped", file_megabytes, explain_open=True)


# ----------------------------------------------------------------------------
# Tab 2: build your own
# ----------------------------------------------------------------------------


def custom_controls() -> custom.CustomArchitecture:
    first, second, third = st.columns(3)
    input_size = first.select_slider("Input size (pixels)", INPUT_SIZES, value=150, key="custom_input")
    blocks = first.slider("Conv blocks", 1, 6, 4, key="custom_blocks")
    kernel = first.select_slider("Kernel size", [1, 3, 5, 7], value=3, key="custom_kernel")
    padding = second.radio("Padding", ["valid", "same"], horizontal=True, key="custom_padding",
                           help="valid: no border, each convolution shrinks the map by kernel − 1. "
                                "same: a border of zeros keeps the size.")
    pooling = second.radio("Pooling after each block", ["max", "average", "none"], horizontal=True,
                           key="custom_pooling")
    batch_norm = second.checkbox("Batch normalisation after each convolution", key="custom_batchnorm")
    head = second.radio("Before the dense layers", ["flatten", "global_average"], horizontal=True,
                        key="custom_head", format_func=lambda value: {"flatten": "Flatten",
                                                                      "global_average": "Global average pooling"}[value])
    dense_units = third.select_slider("Dense units (0 = none)", [0, 32, 64, 128, 256, 512, 1024], value=512,
                                      key="custom_dense")
    dropout = third.slider("Dropout", 0.0, 0.8, 0.5, step=0.1, key="custom_dropout")
    classes = third.number_input("Output classes", 2, 100, 2, key="custom_classes")
    st.markdown("**Filters per block**")
    filter_columns = st.columns(6)
    filters = []
    for block in range(blocks):
        filters.append(filter_columns[block].selectbox(
            f"Block {block + 1}", BLOCK_CHOICES, index=BLOCK_CHOICES.index(DEFAULT_FILTERS[block]),
            key=f"custom_filters_{block}"))
    return custom.CustomArchitecture(
        input_size=int(input_size), filters=tuple(int(value) for value in filters), kernel_size=int(kernel),
        padding=padding, pooling=pooling, batch_norm=batch_norm, head=head, dense_units=int(dense_units),
        dropout=float(dropout), num_classes=int(classes),
    )


def custom_tab() -> None:
    st.markdown("Change the controls and the real Keras model is rebuilt. The defaults are the classic tutorial "
                "model; try **same** padding or **global average pooling** and watch the parameter count.")
    spec = custom_controls()
    try:
        model = custom_model(tuple(sorted(spec.__dict__.items())))
    except ValueError as error:
        st.error(str(error))
        return
    table = show_model(model, "custom")
    classic_total = summary.layer_table(model_in_code("classic")).total_parameters
    ratio = table.total_parameters / classic_total
    st.info(f"Your model has {format_count(table.total_parameters)} parameters, "
            f"{ratio:.2f}× the classic model's {format_count(classic_total)}.")


# ----------------------------------------------------------------------------
# The common mistake
# ----------------------------------------------------------------------------


def mistake_section() -> None:
    st.header("The common arithmetic mistake")
    comparison = shape_chain.padding_comparison()
    classic = summary.layer_table(model_in_code("classic"))
    keras_sizes = [classic.input_shape[0]] + [row.output_shape[0] for row in classic.rows
                                              if row.layer_type in ("Conv2D", "MaxPooling2D")]
    matches = tuple(keras_sizes) == comparison.valid_sizes
    valid = " → ".join(str(size) for size in comparison.valid_sizes)
    same = " → ".join(str(size) for size in comparison.same_sizes)
    flatten_valid, flatten_same = comparison.flatten_valid, comparison.flatten_same
    last_valid, last_same = comparison.valid_sizes[-1], comparison.same_sizes[-1]
    st.markdown(
        f"The classic model's convolutions use Keras' default **valid** padding: a 3×3 filter only fits where "
        f"it lies completely inside the image, so each convolution loses one pixel on every side "
        f"(150 → 148), and each 2×2 max pooling halves the size, dropping an odd leftover row "
        f"(15 → 7, not 7.5).\n\n"
        f"- **Valid padding (the real model)**: {valid}. Flatten gets {last_valid} × {last_valid} × "
        f"{comparison.channels} = **{format_count(flatten_valid)}** values, so the first Dense layer has "
        f"{format_count(flatten_valid)} × {comparison.dense_units} + {comparison.dense_units} = "
        f"**{format_count(comparison.dense_valid)}** parameters.\n"
        f"- **What many tutorials write**: {same}, then {last_same} × {last_same} × {comparison.channels} = "
        f"{format_count(flatten_same)} and {format_count(flatten_same)} × {comparison.dense_units} = "
        f"{format_count(flatten_same * comparison.dense_units)} weights. Those numbers are right only with "
        f"**same** padding (a border of zeros keeps 150 at 150), which this model does not use; with the bias "
        f"the Dense layer would then have {format_count(comparison.dense_same)} parameters.\n\n"
        f"The whole classic model has **{format_count(classic.total_parameters)}** parameters; "
        f"{comparison.dense_valid / classic.total_parameters:.0%} of them are in that one Dense layer."
    )
    if matches:
        st.caption("Checked: the valid-padding sizes above are the real Keras model's output shapes.")
    else:
        st.warning("The real Keras model's shapes differ from this arithmetic: " + " → ".join(map(str, keras_sizes)))
    st.plotly_chart(padding_figure(comparison), key="padding_chart")
    st.markdown(f"Try both paddings on a small grid in the {LAB_LINK}, or with the **Padding** control of the "
                "“Build your own” tab.")


# ----------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------

st.title("Architecture")
st.markdown("How a network is built: the layers in order, the shape of what each one outputs, and where its "
            "parameters (the numbers training adjusts) are. Everything below is read from the real Keras model.")
shipped_tab_box, custom_tab_box = st.tabs(["Shipped models", "Build your own"])
with shipped_tab_box:
    shipped_tab()
with custom_tab_box:
    custom_tab()
mistake_section()
