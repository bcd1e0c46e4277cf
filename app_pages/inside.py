"""Inside the model: learned filters, feature maps, the arithmetic of one value, Grad-CAM and saliency."""

from __future__ import annotations

import hashlib

import keras
import numpy as np
import pandas as pd
import streamlit as st

from core.explain import activation_max, drill_down, feature_maps, filters, gradcam, probe, saliency
from core.figures import explain, heatmaps
from core.imaging.resize import resize_for_model
from core.models import architectures, layers
from core.prediction.answers import singular
from ui import resources
from ui.components.model_picker import model_picker
from ui.components.photo_picker import photo_expander as photo_source

UNTRAINED_KEY = "classic (untrained)"
DEFAULT_CLASSES = ("cats", "dogs")
STATIC = {"displayModeBar": False}  # pictures, not charts to zoom: no toolbar over the title
SECTIONS = ["Filters", "Feature maps", "Where it looked", "What a filter looks for"]


# ----------------------------------------------------------------------------
# Cached work (keyed by model name, layer and a digest of the photo)
# ----------------------------------------------------------------------------


@st.cache_resource(show_spinner="Building the untrained classic network…")
def untrained_classic() -> keras.Model:
    keras.utils.set_random_seed(0)  # the same random weights on every run
    return architectures.classic()


def percent(probability: float) -> str:
    """A probability for people: never a misleading 0.0% or 100.0%."""
    if probability < 0.001:
        return "<0.1%"
    if probability > 0.999:
        return ">99.9%"
    return f"{probability:.1%}"


def photo_digest(pixels: np.ndarray) -> str:
    content = np.ascontiguousarray(pixels).tobytes() + str(pixels.shape).encode()
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@st.cache_data(show_spinner=False, max_entries=16)
def cached_feature_maps(model_key: str, photo_key: str, _model, _pixels) -> list[feature_maps.FeatureMaps]:
    return feature_maps.compute_feature_maps(_model, _pixels)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_probabilities(model_key: str, photo_key: str, _model, _pixels) -> np.ndarray:
    logits = probe.get_probe(_model)(probe.model_input(_model, _pixels)).logits
    return gradcam.probabilities_from_logits(keras.ops.convert_to_numpy(logits))[0]


@st.cache_data(show_spinner=False, max_entries=32)
def cached_layer_io(model_key: str, photo_key: str, layer: str, _model, _pixels):
    return feature_maps.layer_input_output(_model, _pixels, layer)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_grad_cam(model_key: str, photo_key: str, layer: str, class_index: int, _model, _pixels) -> gradcam.GradCam:
    return gradcam.grad_cam(_model, _pixels, class_index=class_index, layer=layer)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_saliency(model_key: str, photo_key: str, class_index: int, samples: int, _model, _pixels):
    return saliency.saliency_map(_model, _pixels, class_index=class_index, smooth_samples=samples)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_filters(model_key: str, layer: str, _model) -> tuple[filters.LayerFilters, filters.LayerFilters]:
    return filters.get_filters(_model, layer), filters.untrained_filters(_model, layer)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_pattern(model_key: str, layer: str, channel: int, steps: int, _model):
    return activation_max.maximise_activation(_model, layer, channel, steps=steps)


# ----------------------------------------------------------------------------
# Model, photo, layer
# ----------------------------------------------------------------------------

st.title("🔍 Inside the model")
st.write(
    "The Classify page gives an answer. This page shows **how** the network reached it, using the real model and "
    "your photo: the small filters it learned, what every layer makes of the photo, the exact arithmetic behind "
    "one number, and which parts of the photo pushed it towards *cat* or *dog*."
)

available = [info for info in resources.cached_model_list() if info.available]
info = None
if available:
    info = model_picker("Model", key="inside_model")
    use_untrained = st.toggle(
        "Use the classic network **untrained** instead (random weights, to compare)", key="inside_untrained",
    )
else:
    st.info("No trained model is available yet, so this page shows the classic network **untrained** "
            "(random starting weights). Its filters and heat maps show no learned patterns yet.")
    use_untrained = True

if use_untrained or info is None:
    model_key, model = UNTRAINED_KEY, untrained_classic()
    class_names, trained = DEFAULT_CLASSES, False
    model_title = "Classic 4-block CNN, untrained (random weights)"
else:
    try:
        model = resources.cached_model(info.name)
    except (ValueError, OSError) as error:
        st.error(f"The model {info.name!r} could not be loaded: {error}")
        st.stop()
    model_key, class_names, trained, model_title = info.name, tuple(info.class_names), True, info.title
st.caption(f"Showing: **{model_title}**")

photo = photo_source("inside")
photo_key = photo_digest(photo.pixels)
input_size = tuple(int(v) for v in model.input_shape[1:3])
model_pixels = resize_for_model(photo.pixels, input_size)

layer_paths = layers.feature_layer_paths(model)
conv_paths = layers.conv_layer_paths(model, include_depthwise=False)
if not layer_paths or not conv_paths:
    st.error("This model has no convolution layers to look inside.")
    st.stop()
shapes = feature_maps.reported_shapes(model, layer_paths)
layer_state_key = f"inside_layer_{model_key}"
layer = st.selectbox(
    "Layer", layer_paths, index=layer_paths.index(conv_paths[0]), key=layer_state_key,
    format_func=lambda path: f"{path} · {layers.layer_kind(layers.find_layer(model, path))} · {feature_maps.shape_label(shapes[path])}",
    help="The first convolution layer looks at the pixels; deeper layers look at the maps made by earlier ones.",
)

with st.spinner("Running the model on your photo…"):
    all_maps = cached_feature_maps(model_key, photo_key, model, photo.pixels)
    probabilities = cached_probabilities(model_key, photo_key, model, photo.pixels)
maps_by_layer = {maps.layer: maps for maps in all_maps}

left, right = st.columns([1, 2])
with left:
    st.image(model_pixels, caption=f"{photo.name}, as the model sees it ({input_size[0]}×{input_size[1]})",
             width="stretch")
with right:
    predicted = int(np.argmax(probabilities))
    names = tuple(singular(name) for name in class_names) if len(class_names) == len(probabilities) \
        else tuple(f"class {index}" for index in range(len(probabilities)))
    st.markdown(f"#### The model says **{names[predicted]}** ({percent(probabilities[predicted])})")
    st.write(" · ".join(f"{name}: {percent(value)}" for name, value in zip(names, probabilities)))
    if not trained:
        st.caption("Untrained: this answer is a coin toss, and so are the pictures below.")

default_cam_layer = gradcam.default_gradcam_layer(model)
sections = st.tabs(SECTIONS, key="inside_section", on_change="rerun")


def conv_for(path: str) -> str:
    """The Conv2D layer whose filters made ``path``'s maps (itself, or the last one before it)."""
    position = layer_paths.index(path)
    earlier = [candidate for candidate in conv_paths if layer_paths.index(candidate) <= position]
    return earlier[-1] if earlier else conv_paths[0]


def substitute_reason(path: str) -> str:
    """Why a layer's own filters are not shown."""
    if isinstance(layers.find_layer(model, path), layers.POOL_TYPES):
        return f"**{path}** has no filters of its own: pooling only picks values."
    return (f"**{path}** is a depthwise convolution (one small filter per input map), which this view "
            "does not draw.")


def is_open(tab) -> bool:
    # None means Streamlit is not tracking which tab is open: render it.
    return tab.open is not False


# ----------------------------------------------------------------------------
# 1. Filters
# ----------------------------------------------------------------------------

with sections[0]:
    if is_open(sections[0]):
        st.markdown(
            "A **filter** (or kernel) is a small block of numbers: 3×3 positions, with one number for every "
            "input channel at each position (3×3×3 = 27 numbers in the first layer, whose input is red, green and "
            "blue). The layer slides each filter over its input; at every position it multiplies the numbers "
            "underneath by the filter's numbers, adds them all up and adds the filter's **bias**. "
            "Training chose these numbers; before training they were random."
        )
        conv_layer = conv_for(layer)
        if conv_layer != layer:
            st.info(f"{substitute_reason(layer)} Showing **{conv_layer}**, the last ordinary convolution "
                    "up to this layer.")
        learned, fresh = cached_filters(model_key, conv_layer, model)
        kernel_height, kernel_width = learned.kernel_size
        st.markdown(f"**{conv_layer}**: {learned.filter_count} filters of {kernel_height}×{kernel_width}×"
                    f"{learned.input_channels} weights"
                    + (f" + 1 bias each = {learned.kernel.size + learned.filter_count:,} numbers."
                       if learned.bias is not None else f" (no bias) = {learned.kernel.size:,} numbers."))
        learned_title = "trained" if trained else "this model (untrained)"
        if learned.input_channels == 3:
            normalisation = st.radio(
                "Brightness", list(filters.NORMALISATIONS), key="inside_filter_norm", horizontal=True,
                format_func=lambda key: filters.NORMALISATIONS[key],
            )
            st.caption("Each square is one filter: its red, green and blue weights drawn as a colour. "
                       f"Weights are mapped to 0..255 with {filters.NORMALISATIONS[normalisation]}.")
            columns = st.columns(2)
            for column, layer_filters, name in ((columns[0], learned, learned_title),
                                                  (columns[1], fresh, "freshly initialised (untrained)")):
                with column:
                    st.plotly_chart(explain.rgb_filters_figure(
                        filters.filters_as_rgb(layer_filters.kernel, normalisation), name.capitalize()),
                        width="stretch", key=f"inside_rgb_{name}")
        else:
            st.caption("Deeper filters see many input maps, not colours, so each filter is a stack of "
                       f"{learned.input_channels} gray 3×3 squares (one per input map). Black = most negative "
                       "weight, mid-gray = 0, white = most positive.")
            filter_count = st.slider("Filters shown", 1, min(16, learned.filter_count),
                                     min(8, learned.filter_count), key="inside_filter_rows")
            channel_count = min(16, learned.input_channels)
            limit = float(max(np.abs(learned.kernel).max(), np.abs(fresh.kernel).max()))
            for layer_filters, name in ((learned, learned_title), (fresh, "freshly initialised (untrained)")):
                st.plotly_chart(explain.kernel_grid_figure(
                    filters.channel_grid(layer_filters.kernel, filter_count, channel_count),
                    f"{name.capitalize()}: first {filter_count} filters × first {channel_count} input maps",
                    limit=limit),
                    width="stretch", key=f"inside_grid_{name}")
        if learned.bias is not None:
            st.plotly_chart(explain.bias_figure(learned.bias, fresh.bias, f"{conv_layer}: biases"),
                            width="stretch", key="inside_bias")
            trained_summary, fresh_summary = filters.summarise(learned), filters.summarise(fresh)
            st.caption(
                f"Keras starts every bias at exactly 0 (untrained: {fresh_summary.bias_nonzero} of "
                f"{fresh.filter_count} are non-zero). This model: {trained_summary.bias_nonzero} non-zero, "
                f"mean {trained_summary.bias_mean:+.4f}. Weights: trained range "
                f"{trained_summary.weight_min:+.3f}…{trained_summary.weight_max:+.3f}, untrained "
                f"{fresh_summary.weight_min:+.3f}…{fresh_summary.weight_max:+.3f}."
            )
        else:
            st.caption("This layer has no bias: a batch-normalisation layer right after it adds the offset.")


# ----------------------------------------------------------------------------
# 2. Feature maps and the drill-down
# ----------------------------------------------------------------------------


def _set_cell(row: int, column: int) -> None:
    # Number-input keys carry a version, so a click or a reset can move them
    # (a widget's own state would otherwise win over a new default value).
    st.session_state["inside_cell"] = (int(row), int(column))
    st.session_state["inside_cell_version"] = st.session_state.get("inside_cell_version", 0) + 1


def _current_cell(height: int, width: int) -> tuple[int, int]:
    """The drill-down cell: typed values win, then the stored cell, clamped to the map."""
    version = st.session_state.get("inside_cell_version", 0)
    row, column = st.session_state.get("inside_cell", (0, 0))
    row = st.session_state.get(f"inside_row_{version}", row)
    column = st.session_state.get(f"inside_column_{version}", column)
    return min(max(int(row), 0), height - 1), min(max(int(column), 0), width - 1)


def _apply_click(selection_key: str, height: int, width: int) -> None:
    """Move the drill-down to a cell clicked on the zoomed map."""
    event = st.session_state.get(selection_key)
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        points = []
    if not points:
        return
    point = points[-1]
    custom = point.get("customdata")
    if custom is not None and len(custom) == 2:
        row, column = int(custom[0]), int(custom[1])
    else:
        row, column = int(round(point.get("y", 0))), int(round(point.get("x", 0)))
    if (row, column) != st.session_state.get("inside_last_click") and 0 <= row < height and 0 <= column < width:
        st.session_state["inside_last_click"] = (row, column)
        _set_cell(row, column)


def input_description(layer_name: str) -> str:
    """What a layer receives, in words: the rescaled photo for the first convolution, else the previous layer."""
    paths = [path for path, _ in layers.walk_layers(model)]
    position = paths.index(layer_name)
    previous = paths[position - 1] if position > 0 else "the input"
    if layer_name != conv_paths[0]:
        return f"the maps made by **{previous}**"
    rescaling = next((layer for _, layer in layers.walk_layers(model) if isinstance(layer, keras.layers.Rescaling)), None)
    if rescaling is None:
        return f"what **{previous}** passed on"
    scale, offset = float(rescaling.scale), float(rescaling.offset)
    formula = f"pixel ÷ {1 / scale:g}" if scale > 0 else f"pixel × {scale:g}"
    formula += f" {'+' if offset >= 0 else '−'} {abs(offset):g}" if offset else ""
    padded = "" if previous.endswith(rescaling.name) else f", passed on by **{previous}**"
    return f"the photo rescaled by the model ({formula}){padded}"


def show_conv_arithmetic(result: drill_down.ConvArithmetic, layer_name: str) -> None:
    channels = result.window.shape[2]
    source = input_description(layer_name)
    st.markdown(
        f"The value at row {result.row}, column {result.column} of map {result.channel} comes from a "
        f"{result.window.shape[0]}×{result.window.shape[1]}×{channels} window of {source}, starting at input row "
        f"{result.input_top}, column {result.input_left}, and filter {result.channel} of **{layer_name}**."
    )
    if channels <= 3:
        shown = list(range(channels))
    else:
        strongest = [int(i) for i in np.argsort(-np.abs(result.channel_sums))[:3]]
        shown = st.multiselect("Input maps to show in full", list(range(channels)), default=strongest,
                               key=f"inside_drill_channels_{layer_name}_{result.row}_{result.column}_{result.channel}",
                               max_selections=4,
                               help="By default, the three input maps that add the most (in size) to the sum.")
    if shown:
        names = ["red", "green", "blue"] if channels == 3 and layer_name == conv_paths[0] else None
        st.plotly_chart(explain.conv_arithmetic_figure(result, shown, channel_names=names), width="stretch",
                        key="inside_drill_numbers")
    if channels > 3:
        st.plotly_chart(explain.channel_contributions_figure(result), width="stretch", key="inside_drill_bars")
    relu = result.activation == "relu"
    lines = [
        f"sum of all {result.products.size} products (window × kernel) = {result.weighted_sum:+.6f}",
        f"+ bias {result.bias:+.6f} = {result.pre_activation:+.6f}",
    ]
    if relu:
        lines.append(f"ReLU: max(0, {result.pre_activation:+.6f}) = {result.recomputed:.6f}")
    elif result.activation != "linear":
        lines.append(f"{result.activation}({result.pre_activation:+.6f}) = {result.recomputed:.6f}")
    lines.append(f"the model computed {result.model_value:.6f}")
    st.code("\n".join(lines), language=None)
    if result.matches:
        st.success(f"Recomputed {result.recomputed:.6f} · matches the model: ✓")
    else:
        st.error(f"Recomputed {result.recomputed:.6f} but the model has {result.model_value:.6f}: ✗")


def show_pool_arithmetic(result: drill_down.PoolArithmetic, layer_name: str) -> None:
    source = input_description(layer_name).removeprefix("the maps made by ")
    st.markdown(
        f"**{layer_name}** takes a {result.window.shape[0]}×{result.window.shape[1]} window of map "
        f"{result.channel} of {source} (starting at row {result.input_top}, column {result.input_left}) "
        f"and keeps its {result.operation}. No weights, nothing learned."
    )
    st.plotly_chart(explain.pool_window_figure(result), width="content", key="inside_drill_pool")
    st.code(f"{result.operation} of the window = {result.recomputed:.6f}\n"
            f"the model computed {result.model_value:.6f}", language=None)
    if result.matches:
        st.success(f"Recomputed {result.recomputed:.6f} · matches the model: ✓")
    else:
        st.error(f"Recomputed {result.recomputed:.6f} but the model has {result.model_value:.6f}: ✗")


with sections[1]:
    if is_open(sections[1]):
        st.markdown(
            "A **feature map** is what one filter produces on the whole input: one number per position, bright "
            "where the filter found its pattern. A convolution layer makes one map per filter; a **pooling** "
            "layer then halves each map, keeping the largest value of every 2×2 block. The maps below are "
            "sorted so the most active come first."
        )
        maps = maps_by_layer[layer]
        st.subheader(f"{layer}: {maps.shape[2]} maps of {maps.shape[0]}×{maps.shape[1]} ({maps.label})")
        if maps.dead_channels:
            st.caption(f"{maps.dead_channels} of {maps.shape[2]} maps are zero everywhere for this photo: "
                       "their filter found nothing (ReLU turned every negative sum into 0).")
        per_map = st.toggle("Stretch each map's brightness on its own", value=True, key="inside_per_map",
                            help="Off: one colour scale for the whole layer, so weak maps look dark.")
        st.plotly_chart(explain.feature_grid_figure(maps, per_map=per_map), width="stretch", key="inside_grid")

        st.markdown("##### Zoom into one map")
        order = [int(channel) for channel in maps.order]
        means = maps.channel_means
        channel = st.selectbox(
            "Map", order, key=f"inside_map_{model_key}_{layer}",
            format_func=lambda c: f"map {c} · mean {means[c]:.4f}" + (" · strongest" if c == order[0] else ""),
        )
        values = maps.activations[..., channel]
        height, width = values.shape
        if st.session_state.get("inside_cell_for") != (model_key, layer, channel, photo_key):
            st.session_state["inside_cell_for"] = (model_key, layer, channel, photo_key)
            st.session_state["inside_last_click"] = None
            _set_cell(*np.unravel_index(int(np.argmax(values)), values.shape))
        selection_key = f"inside_zoom_{model_key}_{layer}_{channel}"
        _apply_click(selection_key, height, width)
        row, column = _current_cell(height, width)
        clickable = height * width <= explain.CLICKABLE_CELLS
        st.plotly_chart(
            explain.feature_map_figure(values, f"{layer} · map {channel} · {height}×{width}", (row, column),
                                       clickable=clickable),
            width="stretch", key=selection_key, on_select="rerun", selection_mode="points",
        )
        st.markdown("##### How was one number made? (drill-down)")
        st.caption("Click a cell of the map above, or type its position. It starts at the brightest cell.")
        version = st.session_state.get("inside_cell_version", 0)
        position = st.columns(2)
        with position[0]:
            row = st.number_input("Row", 0, height - 1, value=row, step=1, key=f"inside_row_{version}")
        with position[1]:
            column = st.number_input("Column", 0, width - 1, value=column, step=1, key=f"inside_column_{version}")
        st.session_state["inside_cell"] = (int(row), int(column))
        layer_object = layers.find_layer(model, layer)
        if type(layer_object) is keras.layers.Conv2D or isinstance(layer_object, layers.POOL_TYPES):
            received, produced = cached_layer_io(model_key, photo_key, layer, model, photo.pixels)
            if isinstance(layer_object, layers.POOL_TYPES):
                show_pool_arithmetic(drill_down.pool_arithmetic(layer_object, received, produced, int(row), int(column),
                                                        int(channel), layer), layer)
            else:
                show_conv_arithmetic(drill_down.conv_arithmetic(layer_object, received, produced, int(row), int(column),
                                                        int(channel), layer), layer)
        else:
            st.info(f"The drill-down covers plain convolution and pooling layers; {layer} is a "
                    f"{type(layer_object).__name__}.")

        st.markdown("##### All layers at a glance")
        st.plotly_chart(explain.layers_overview_figure(all_maps), width="stretch", key="inside_overview")
        st.dataframe(
            pd.DataFrame({
                "layer": [maps.layer for maps in all_maps],
                "kind": [maps.kind for maps in all_maps],
                "feature maps (height×width×maps)": [maps.label for maps in all_maps],
                "mean activation": [float(maps.activations.mean()) for maps in all_maps],
            }),
            hide_index=True, width="stretch",
        )
        first_conv = layers.find_layer(model, conv_paths[0])
        if first_conv.padding == "valid" and tuple(first_conv.kernel_size) == (3, 3) and \
                tuple(first_conv.strides) == (1, 1):
            first_shape = maps_by_layer[conv_paths[0]].shape
            st.caption(f"A 3×3 convolution without padding has no full window at the edges, so it loses a "
                       f"1-pixel border ({input_size[0]} → {first_shape[0]}); a 2×2 pooling halves the size, "
                       "rounding down (an odd row or column at the edge is dropped).")


# ----------------------------------------------------------------------------
# 3. Grad-CAM and saliency
# ----------------------------------------------------------------------------

with sections[2]:
    if is_open(sections[2]):
        st.markdown(
            "A **heat map** marks the parts of the photo that mattered for an answer. **Grad-CAM** asks, for "
            "the last layer that still has a picture-like layout: if this map got a little stronger, would the "
            "score for *cat* (or *dog*) go up? Maps that help get a positive weight; the weighted maps are added "
            "up, and only the positive part is kept. Bright = pushed the model towards that class."
        )
        cam_layers = gradcam.gradcam_layer_paths(model)
        cam_layer = st.selectbox("Layer to explain", cam_layers, index=cam_layers.index(default_cam_layer),
                                 key=f"inside_cam_layer_{model_key}",
                                 help="The default is the last convolution: coarse, but the most about classes.")
        opacity = st.slider("Heat-map opacity", 0.0, 1.0, 0.5, 0.05, key="inside_opacity")
        with st.spinner("Computing Grad-CAM…"):
            results = [cached_grad_cam(model_key, photo_key, cam_layer, index, model, photo.pixels)
                       for index in (predicted, *[i for i in range(len(names)) if i != predicted])]
        columns = st.columns(min(2, len(results)))
        for column, result in zip(columns, results[:2]):
            label = "predicted" if result.class_index == predicted else "other class"
            with column:
                heat = gradcam.upsample(result.heatmap, input_size)
                st.plotly_chart(heatmaps.overlay_figure(
                    model_pixels, heat, opacity,
                    f"Grad-CAM for {names[result.class_index]} ({label}, {percent(result.probability)})"),
                    width="stretch", key=f"inside_cam_{result.class_index}", config=STATIC)
                shape = result.heatmap.shape
                st.caption(f"{cam_layer}: a {shape[0]}×{shape[1]} map stretched to {input_size[0]}×{input_size[1]}. "
                           + ("Nothing in this layer supports this class: the map is empty."
                              if result.is_empty else ""))
        if not trained:
            st.warning("This model is untrained, so these heat maps show no real reasoning yet.")

        st.markdown("##### Saliency: which pixels matter most")
        st.markdown(
            "The **saliency map** asks the same question pixel by pixel: how much would the score change if "
            "this one pixel changed a little? It has the photo's full resolution but is noisier than Grad-CAM."
        )
        smooth = st.toggle("Smooth it (average 8 noisy copies, SmoothGrad)", key="inside_smooth")
        with st.spinner("Computing saliency…"):
            result = cached_saliency(model_key, photo_key, predicted, 8 if smooth else 0, model, photo.pixels)
        columns = st.columns(2)
        with columns[0]:
            st.plotly_chart(heatmaps.saliency_figure(result.heatmap, f"Saliency for {names[predicted]}"),
                            width="stretch", key="inside_saliency", config=STATIC)
        with columns[1]:
            st.plotly_chart(heatmaps.overlay_figure(model_pixels, result.heatmap, opacity,
                                                   "Saliency on the photo"), width="stretch",
                            key="inside_saliency_overlay", config=STATIC)


# ----------------------------------------------------------------------------
# 4. Activation maximisation
# ----------------------------------------------------------------------------

with sections[3]:
    if is_open(sections[3]):
        st.markdown(
            "Which input would make one filter respond as strongly as possible? Start from gray noise and change "
            "the picture step by step in the direction that raises that filter's response (*gradient ascent*), "
            "shifting it a little and blurring it lightly along the way so it does not turn into pixel noise."
        )
        conv_layer = conv_for(layer)
        if conv_layer != layer:
            st.caption(f"{substitute_reason(layer)} Using **{conv_layer}**, the last ordinary convolution "
                       "up to this layer.")
        filter_count = int(layers.find_layer(model, conv_layer).filters)
        columns = st.columns(2)
        with columns[0]:
            channel = st.number_input(f"Filter of {conv_layer} (0–{filter_count - 1})", 0, filter_count - 1,
                                      int(maps_by_layer[conv_layer].order[0]) if conv_layer in maps_by_layer else 0,
                                      key=f"inside_pattern_filter_{model_key}_{conv_layer}")
        with columns[1]:
            steps = st.slider("Steps", 10, 80, activation_max.DEFAULT_STEPS, 10, key="inside_pattern_steps",
                              help="More steps give a stronger pattern but take longer.")
        request = (model_key, conv_layer, int(channel), int(steps))
        if st.button("Find the pattern", key="inside_pattern_go", type="primary"):
            st.session_state["inside_pattern_request"] = request
        if st.session_state.get("inside_pattern_request") == request:
            with st.spinner(f"Gradient ascent, {steps} steps…"):
                pattern = cached_pattern(model_key, conv_layer, int(channel), int(steps), model)
            columns = st.columns(2)
            with columns[0]:
                st.plotly_chart(heatmaps.pattern_figure(pattern.display_image(),
                                                       f"{conv_layer} · filter {channel}"),
                                width="stretch", key="inside_pattern")
            with columns[1]:
                st.plotly_chart(heatmaps.ascent_history_figure(pattern.history), width="stretch",
                                key="inside_pattern_history")
            st.caption(f"Maximised: the {pattern.objective}, from {pattern.start_activation:+.4f} to "
                       f"{pattern.final_activation:+.4f}. Contrast stretched for display.")
        else:
            st.caption("Press the button: the search takes a few seconds, and its result is kept.")
