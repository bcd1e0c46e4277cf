"""Convolution and pooling lab: every number of a convolution, a ReLU and a pooling step.

The arithmetic lives in core.arithmetic; this page arranges
editors, step controls and charts around it. State survives reruns in
st.session_state (keys start with "lab_") and the URL mirrors the preset and
settings so a teacher can share a link.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.colors
import streamlit as st
from plotly.basedatatypes import BaseFigure

from core.arithmetic import convolution, dense, numbers, photo_filters, pooling, shape_chain, sizes
from core.arithmetic.presets import DEFAULT_PRESET, POOL_IMAGE, PRESETS, RGB_IMAGE, RGB_KERNEL, SOBEL_X, SOBEL_Y
from core.imaging.resize import to_grayscale
from core.models import registry
from ui import resources
from ui.components import photo_picker

VIEWS = {
    "convolution": "Convolution + ReLU",
    "pooling": "Pooling",
    "colour": "Colour (RGB)",
    "photo": "Real photo",
    "decision": "To a decision",
}
SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.4}  # seconds per step while playing
PADDING_CHOICES = {"valid": "valid", "same": "same", "rings": "zero rings"}
PADDING_HELP = ("valid: no padding, the window stays inside the input. same: TensorFlow's padding, which keeps "
                "⌈n / s⌉ outputs. zero rings: as many rings of zeros as you choose.")
POOL_SOURCES = {"convolution": "the convolution's output", "input": "the input matrix itself"}
CELL_PIXELS = 52  # largest cell; smaller when several charts share a row
MAIN_WIDTH = 690  # pixels the charts of one row may use: fits the centred layout (736 px) too
CHART_EXTRA = 46  # tick labels and margins around each grid
MIN_CHART = 150
HIGHLIGHT = "#E69F00"  # Okabe-Ito orange: visible on grey and on red/blue, and to colour-blind viewers
GREYS = [[0.0, "rgb(40,40,40)"], [1.0, "rgb(250,250,250)"]]
RDBU = [[index / 10, colour] for index, colour in enumerate(plotly.colors.diverging.RdBu)]  # red < 0 < blue
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False}
MODEL_NAME = "classic"
PHOTO_PERCENTILE = 99.5  # the strongest 0.5 % of responses are drawn white

# Widget keys whose values must survive while their widgets are hidden (another view is shown).
PERSISTENT_KEYS = (
    "lab_preset", "lab_view", "lab_stride", "lab_padding_mode", "lab_padding_rings", "lab_bias", "lab_relu",
    "lab_conv_step", "lab_speed", "lab_pool_source", "lab_pool_mode", "lab_pool_size", "lab_pool_stride",
    "lab_pool_padding", "lab_pool_step", "lab_model_filter", "lab_model_channel", "lab_rgb_step",
    "lab_dropout_rate", "lab_dense_bias", "lab_output_bias", "lab_crop_top", "lab_crop_left",
)


# --------------------------------------------------------------------------- state


def _set_matrix(name: str, matrix) -> None:
    """Replace the input or kernel matrix; a new editor version drops the old editor's edits."""
    array = np.asarray(matrix, dtype=np.float64)
    st.session_state[f"lab_{name}"] = array.tolist()
    st.session_state["lab_editor_version"] = st.session_state.get("lab_editor_version", 0) + 1


def _apply_preset(key: str) -> None:
    preset = PRESETS[key]
    st.session_state["lab_preset"] = key
    st.session_state["lab_stride"] = preset.stride
    if isinstance(preset.padding, str):
        st.session_state["lab_padding_mode"] = preset.padding
        st.session_state["lab_padding_rings"] = 1
    else:
        st.session_state["lab_padding_mode"] = "rings"
        st.session_state["lab_padding_rings"] = int(preset.padding)
    st.session_state["lab_bias"] = float(preset.bias)
    st.session_state["lab_relu"] = preset.relu
    st.session_state["lab_view"] = preset.view
    st.session_state["lab_pool_source"] = preset.pool_source
    st.session_state["lab_pool_mode"] = preset.pool_mode
    st.session_state["lab_pool_size"] = preset.pool_size
    st.session_state["lab_pool_stride"] = preset.pool_stride
    st.session_state["lab_pool_padding"] = "valid"
    st.session_state["lab_conv_step"] = 1
    st.session_state["lab_pool_step"] = 1
    st.session_state["lab_playing"] = None
    st.session_state["lab_source_note"] = ""
    kernel = preset.kernel
    if key == "random":
        kernel = photo_filters.random_kernel(st.session_state.get("lab_random_seed", 0))
    elif key == "model":
        loaded = _model_kernel()
        if loaded is not None:
            kernel = loaded
    _set_matrix("image", preset.image)
    _set_matrix("kernel", kernel)


def _on_preset_change() -> None:
    _apply_preset(st.session_state["lab_preset"])


def _on_model_choice() -> None:
    loaded = _model_kernel()
    if loaded is not None:
        _set_matrix("kernel", loaded)
        st.session_state["lab_conv_step"] = 1


def _new_random_kernel() -> None:
    st.session_state["lab_random_seed"] = st.session_state.get("lab_random_seed", 0) + 1
    _set_matrix("kernel", photo_filters.random_kernel(st.session_state["lab_random_seed"]))
    st.session_state["lab_conv_step"] = 1


def _padding_setting() -> str | int:
    mode = st.session_state["lab_padding_mode"]
    return int(st.session_state["lab_padding_rings"]) if mode == "rings" else mode


def _read_link() -> list[str]:
    """Start from the URL's preset and settings; returns what could not be used."""
    params = st.query_params.to_dict()
    problems: list[str] = []
    preset = params.get("preset", DEFAULT_PRESET)
    if preset not in PRESETS:
        problems.append(f"preset={preset!r} is not a preset of this lab")
        preset = DEFAULT_PRESET
    if "seed" in params:
        try:
            st.session_state["lab_random_seed"] = int(params["seed"])
        except ValueError:
            problems.append(f"seed={params['seed']!r} is not a whole number")
    if "filter" in params:
        try:
            st.session_state["lab_model_filter"] = min(max(int(params["filter"]), 1), 32)
        except ValueError:
            problems.append(f"filter={params['filter']!r} is not a whole number")
    if params.get("channel") in photo_filters.CHANNEL_CHOICES:
        st.session_state["lab_model_channel"] = params["channel"]
    _apply_preset(preset)

    def whole(name: str, key: str, low: int, high: int) -> None:
        if name not in params:
            return
        try:
            value = int(params[name])
        except ValueError:
            problems.append(f"{name}={params[name]!r} is not a whole number")
            return
        if not low <= value <= high:
            problems.append(f"{name}={value} is outside {low}…{high}")
            return
        st.session_state[key] = value

    def choice(name: str, key: str, options) -> None:
        if name in params:
            if params[name] in options:
                st.session_state[key] = params[name]
            else:
                problems.append(f"{name}={params[name]!r} is not one of {', '.join(options)}")

    for name in ("image", "kernel"):
        if name in params:
            try:
                side = numbers.MAX_INPUT_SIDE if name == "image" else numbers.MAX_KERNEL_SIDE
                _set_matrix(name, numbers.parse_matrix_text(params[name], name=name if name == "kernel" else "input",
                                                       max_rows=side, max_cols=side))
            except ValueError as error:
                problems.append(f"{name}: {error}")
    whole("stride", "lab_stride", 1, numbers.MAX_STRIDE)
    if "padding" in params:
        value = params["padding"]
        if value in ("valid", "same"):
            st.session_state["lab_padding_mode"] = value
        elif value.isdigit() and int(value) <= numbers.MAX_PADDING:
            st.session_state["lab_padding_mode"] = "rings"
            st.session_state["lab_padding_rings"] = int(value)
        else:
            problems.append(f"padding={value!r} is not valid, same or 0…{numbers.MAX_PADDING}")
    if "bias" in params:
        try:
            st.session_state["lab_bias"] = float(numbers.parse_matrix_text(params["bias"], name="bias")[0, 0])
        except ValueError:
            problems.append(f"bias={params['bias']!r} is not a number")
    if "relu" in params:
        st.session_state["lab_relu"] = params["relu"] not in ("0", "off", "false")
    choice("view", "lab_view", list(VIEWS))
    choice("psource", "lab_pool_source", list(POOL_SOURCES))
    choice("pool", "lab_pool_mode", list(pooling.POOL_MODES))
    choice("ppadding", "lab_pool_padding", list(sizes.PADDING_MODES))
    whole("psize", "lab_pool_size", 1, 4)
    whole("pstride", "lab_pool_stride", 1, 4)
    whole("step", "lab_conv_step", 1, 10_000)
    whole("pstep", "lab_pool_step", 1, 10_000)
    return problems


def _link_params() -> dict[str, str]:
    state = st.session_state
    preset = PRESETS[state["lab_preset"]]
    padding = _padding_setting()
    params = {
        "preset": preset.key,
        "view": state["lab_view"],
        "stride": str(state["lab_stride"]),
        "padding": str(padding),
        "bias": numbers.matrix_to_text(np.array([[state["lab_bias"]]])),
        "relu": "1" if state["lab_relu"] else "0",
        "step": str(state["lab_conv_step"]),
        "psource": state["lab_pool_source"],
        "pool": state["lab_pool_mode"],
        "psize": str(state["lab_pool_size"]),
        "pstride": str(state["lab_pool_stride"]),
        "ppadding": state["lab_pool_padding"],
        "pstep": str(state["lab_pool_step"]),
    }
    if preset.key == "random":
        params["seed"] = str(state.get("lab_random_seed", 0))
    if preset.key == "model":
        params["filter"] = str(state.get("lab_model_filter", 1))
        params["channel"] = state.get("lab_model_channel", "sum")
    # Matrices go in the link only when they differ from the preset's, to keep links short.
    if not np.array_equal(np.asarray(state["lab_image"]), np.asarray(preset.image)):
        params["image"] = numbers.matrix_to_text(np.asarray(state["lab_image"]), row_separator=";")
    default_kernel = photo_filters.random_kernel(state.get("lab_random_seed", 0)) if preset.key == "random" else preset.kernel
    if preset.key == "model" or not np.array_equal(np.asarray(state["lab_kernel"]), np.asarray(default_kernel)):
        params["kernel"] = numbers.matrix_to_text(np.asarray(state["lab_kernel"]), row_separator=";")
    return params


def _sync_link() -> None:
    params = _link_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def _init_state() -> None:
    if not st.session_state.get("lab_initialised"):
        st.session_state.setdefault("lab_model_filter", 1)
        st.session_state.setdefault("lab_model_channel", "sum")
        st.session_state.setdefault("lab_speed", "normal")
        st.session_state.setdefault("lab_rgb_step", 1)
        st.session_state["lab_link_problems"] = _read_link()
        st.session_state["lab_initialised"] = True
    # Re-assigning keeps a widget's value while that widget is not drawn (another view is open).
    for key in PERSISTENT_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


# --------------------------------------------------------------------------- the shipped model's kernel


@st.cache_data(show_spinner="Reading the model's first layer…", max_entries=2)
def _first_layer_weights(name: str, file_stamp: float) -> np.ndarray:
    """conv1's kernel, shape (3, 3, 3, filters). ``file_stamp`` (the file's mtime) renews it after retraining."""
    model = resources.cached_model(name)
    return np.asarray(model.get_layer("conv1").get_weights()[0], dtype=np.float64)


def _model_info() -> registry.ModelInfo | None:
    """The classic model's card when it can be loaded here, else None."""
    try:
        info = registry.get_model_info(MODEL_NAME)
    except ValueError:
        return None
    return info if info.available else None


def _model_available() -> bool:
    return _model_info() is not None


def _model_kernel() -> np.ndarray | None:
    info = _model_info()
    if info is None:
        return None
    network_file = Path(info.folder) / "model.keras"
    weights = _first_layer_weights(MODEL_NAME, network_file.stat().st_mtime if network_file.is_file() else 0.0)
    filter_number = int(st.session_state.get("lab_model_filter", 1))
    filter_number = min(max(filter_number, 1), weights.shape[3])
    return photo_filters.first_layer_kernel(weights, filter_number - 1, st.session_state.get("lab_model_channel", "sum"))


# --------------------------------------------------------------------------- charts


def _text_colours(values: np.ndarray, low: float, high: float, diverging: bool) -> list[str]:
    colours = []
    for value in values.ravel():
        if np.isnan(value):
            colours.append("#555555")
        elif diverging:
            extent = max(abs(low), abs(high), 1e-12)
            colours.append("white" if abs(value) / extent > 0.62 else "black")
        else:
            fraction = 0.5 if high <= low else (value - low) / (high - low)
            colours.append("black" if fraction > 0.45 else "white")
    return colours


def matrix_figure(
    values: np.ndarray,
    *,
    title: str = "",
    diverging: bool = False,
    labels: np.ndarray | None = None,
    highlight: tuple[int, int, int, int] | None = None,
    frame: tuple[int, int, int, int] | None = None,
    dim: np.ndarray | None = None,
    value_range: tuple[float, float] | None = None,
    row_offset: int = 0,
    col_offset: int = 0,
    cell: int | None = None,
) -> dict:
    """A heatmap with the numbers written in the cells.

    ``highlight`` and ``frame`` are (top, left, height, width) boxes: the
    current window, and the real input inside the padding. ``dim`` marks
    cells (padding) whose numbers are written in grey.
    """
    values = np.asarray(values, dtype=np.float64)
    rows, cols = values.shape
    finite = values[np.isfinite(values)]
    if value_range is not None:
        low, high = value_range
    else:
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
    if diverging:
        extent = max(abs(low), abs(high), 1e-12)
        low, high = -extent, extent
    elif high <= low:
        low, high = low - 1, high + 1
    if labels is None:
        labels = np.vectorize(numbers.format_number, otypes=[object])(values) if values.size else values
    text_colours = _text_colours(values, low, high, diverging)
    if dim is not None:
        text_colours = ["#8a8a8a" if flag else colour for flag, colour in zip(dim.ravel(), text_colours)]
    if cell is None:
        cell = CELL_PIXELS if max(rows, cols) <= 7 else max(30, CELL_PIXELS * 7 // max(rows, cols))
    row_index, col_index = np.mgrid[0:rows, 0:cols]
    cell_rows, cell_cols = row_index.ravel(), col_index.ravel()
    shapes = []
    if frame is not None:
        top, left, height, width = frame
        shapes.append({"type": "rect", "x0": left - 0.5, "x1": left + width - 0.5, "y0": top - 0.5,
                       "y1": top + height - 0.5, "line": {"color": "#1f6feb", "width": 2, "dash": "dash"}})
    if highlight is not None:
        top, left, height, width = highlight
        shapes.append({"type": "rect", "x0": left - 0.5, "x1": left + width - 0.5, "y0": top - 0.5,
                       "y1": top + height - 0.5, "line": {"color": HIGHLIGHT, "width": 5}})
    tick_axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "tickmode": "array"}
    # A plain dict: st.plotly_chart validates it once; a go.Figure would be validated twice (slow).
    return {
        "data": [
            {"type": "heatmap", "z": np.where(np.isnan(values), None, values).tolist(),
             "colorscale": RDBU if diverging else GREYS, "zmin": low, "zmax": high, "showscale": False,
             "hoverinfo": "skip", "xgap": 1, "ygap": 1},
            # Transparent square markers carry the numbers and make each cell clickable.
            {"type": "scatter", "x": cell_cols.tolist(), "y": cell_rows.tolist(), "mode": "markers+text",
             "text": [str(label) for label in np.asarray(labels).ravel()],
             "textfont": {"color": text_colours, "size": 15 if cell >= 44 else (13 if cell >= 34 else 11)},
             "marker": {"symbol": "square", "size": cell - 6, "color": "rgba(0,0,0,0)"},
             "customdata": [[int(row + 1 + row_offset), int(col + 1 + col_offset)]
                            for row, col in zip(cell_rows, cell_cols)],
             "hovertemplate": "row %{customdata[0]}, column %{customdata[1]}<extra></extra>",
             "showlegend": False},
        ],
        "title_above": title,  # written above the chart by _show(), so it never collides with the ticks
        "layout": {
            # Narrow charts are widened with a right margin: the browser draws plots at least ~150 px wide.
            "width": max(cols * cell + 40, MIN_CHART), "height": rows * cell + 30,
            "margin": {"l": 30, "r": max(cols * cell + 40, MIN_CHART) - 30 - cols * cell, "t": 25, "b": 5},
            "xaxis": {**tick_axis, "side": "top", "tickvals": list(range(cols)),
                      "ticktext": [str(col + 1 + col_offset) for col in range(cols)], "range": [-0.5, cols - 0.5]},
            "yaxis": {**tick_axis, "range": [rows - 0.5, -0.5], "tickvals": list(range(rows)),
                      "ticktext": [str(row + 1 + row_offset) for row in range(rows)]},
            "shapes": shapes, "dragmode": False, "plot_bgcolor": "white", "paper_bgcolor": "white",
            "hovermode": "closest", "clickmode": "event+select",
        },
    }


def _fit(*column_counts: int, budget: int = MAIN_WIDTH) -> tuple[int, list[int]]:
    """A cell size (pixels) so that charts side by side fit the page, and st.columns weights to match."""
    # Each chart also needs its tick labels and margins, and st.columns puts a 1 rem gap between columns.
    cell = (budget - (CHART_EXTRA + 18) * len(column_counts)) // max(sum(column_counts), 1)
    cell = int(min(max(cell, 26), CELL_PIXELS))
    return cell, [max(count * cell + CHART_EXTRA, MIN_CHART) for count in column_counts]


class _CheckedFigure(BaseFigure):
    """A figure dict from matrix_figure(), which the tests validate with plotly.

    st.plotly_chart re-validates a plain dict through plotly's property
    validators (about 10 ms per small chart on a busy 2-core machine); a
    BaseFigure is passed on as ``to_dict()`` without that, which keeps a step
    well under 100 ms.
    """

    def __init__(self, spec: dict) -> None:  # BaseFigure.__init__ (the validation) is skipped on purpose
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def _show(figure: dict, key: str | None = None, on_select=None) -> None:
    title = figure.pop("title_above", "")
    if title:
        st.markdown(f"**{title}**")
    figure = _CheckedFigure(figure)
    # theme=None: Streamlit's chart theme would add its own margins and fonts around the grid.
    if on_select is None:
        st.plotly_chart(figure, config=CHART_CONFIG, width="content", key=key, theme=None)
    else:
        st.plotly_chart(figure, config=CHART_CONFIG, width="content", key=key, theme=None, on_select=on_select,
                        selection_mode="points")


def _arithmetic(label: str, text: str) -> None:
    """One line of worked arithmetic, large enough to read on a projector."""
    st.markdown(f"**{label}:**")
    st.markdown(f'<div style="font-size:1.3rem;line-height:1.7;margin:-0.4rem 0 0.4rem 0">{html.escape(text)}</div>',
                unsafe_allow_html=True)


def _clicked_cell(chart_key: str) -> tuple[int, int] | None:
    event = st.session_state.get(chart_key)
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    if not points:
        return None
    point = points[0]
    if "x" not in point or "y" not in point:
        return None
    return int(round(point["y"])), int(round(point["x"]))


# --------------------------------------------------------------------------- editors


def matrix_editor(name: str, label: str, max_side: int, key_suffix: str = "") -> np.ndarray | None:
    """An editable grid for ``st.session_state['lab_' + name]``; returns the checked matrix or None."""
    state_key = f"lab_{name}"
    what = "kernel" if name == "kernel" else "input"
    version = st.session_state.get("lab_editor_version", 0)
    base = np.asarray(st.session_state[state_key], dtype=np.float64)
    rows, cols = base.shape
    frame = pd.DataFrame(base, columns=[str(col + 1) for col in range(cols)], index=pd.RangeIndex(1, rows + 1))
    edited = st.data_editor(
        frame, key=f"lab_{name}_editor_{version}{key_suffix}", num_rows="fixed", width="content",
        column_config={column: st.column_config.NumberColumn(column, format="plain", width="small")
                       for column in frame.columns},
    )
    try:
        matrix = numbers.parse_matrix(edited, name=what, max_rows=max_side, max_cols=max_side)
    except ValueError as error:
        st.error(str(error))
        matrix = None
    if matrix is not None and not np.array_equal(matrix, base):
        st.session_state[state_key] = matrix.tolist()  # so other views and the link see the edit
    with st.expander(f"Resize, type or paste the {what}"):
        size_left, size_right = st.columns(2)
        new_rows = size_left.number_input("Rows", 1, max_side, int(rows), key=f"lab_{name}_rows_{version}{key_suffix}")
        new_cols = size_right.number_input("Columns", 1, max_side, int(cols),
                                           key=f"lab_{name}_cols_{version}{key_suffix}")
        if (new_rows, new_cols) != (rows, cols):
            current = matrix if matrix is not None else base
            resized = np.zeros((int(new_rows), int(new_cols)))  # new cells start at 0
            keep_rows, keep_cols = min(rows, int(new_rows)), min(cols, int(new_cols))
            resized[:keep_rows, :keep_cols] = current[:keep_rows, :keep_cols]
            _set_matrix(name, resized)
            st.rerun()
        text = st.text_area("One row per line; numbers separated by commas or spaces.",
                            value=numbers.matrix_to_text(matrix if matrix is not None else base),
                            key=f"lab_{name}_text_{version}{key_suffix}")
        if st.button("Use these numbers", key=f"lab_{name}_paste_{version}{key_suffix}"):
            try:
                pasted = numbers.parse_matrix_text(text, name=what, max_rows=max_side, max_cols=max_side)
            except ValueError as error:
                st.error(str(error))
            else:
                _set_matrix(name, pasted)
                st.session_state["lab_conv_step"] = st.session_state["lab_pool_step"] = 1
                st.rerun()
    return matrix


# --------------------------------------------------------------------------- stepping


def _step_buttons(prefix: str, total: int, playing: bool) -> None:
    """Previous / next and a step slider; all disabled while playing."""
    step_key = f"lab_{prefix}_step"

    def move(delta: int) -> None:
        st.session_state[step_key] = min(max(st.session_state[step_key] + delta, 1), total)

    first, back, forward, slider = st.columns([1.1, 1.4, 1.1, 3.5], vertical_alignment="bottom")
    first.button("« First", key=f"lab_{prefix}_first", on_click=move, args=(-total,), disabled=playing,
                 width="stretch")
    back.button("‹ Previous", key=f"lab_{prefix}_previous", on_click=move, args=(-1,),
                disabled=playing or st.session_state[step_key] <= 1, width="stretch")
    forward.button("Next ›", key=f"lab_{prefix}_next", on_click=move, args=(1,),
                   disabled=playing or st.session_state[step_key] >= total, width="stretch")
    if total > 1:
        slider.slider("Step", 1, total, key=step_key, disabled=playing)
    else:
        slider.caption("Only one step.")


def _play_controls(prefix: str, total: int) -> float | None:
    """Play / pause (outside the stepping fragment, so the timer can start and stop). Returns the interval."""
    step_key = f"lab_{prefix}_step"
    playing = st.session_state.get("lab_playing") == prefix

    def toggle() -> None:
        if st.session_state.get("lab_playing") == prefix:
            st.session_state["lab_playing"] = None
        else:
            if st.session_state[step_key] >= total:
                st.session_state[step_key] = 1
            st.session_state["lab_playing"] = prefix
            st.session_state["lab_play_started"] = True

    left, right, _ = st.columns([1, 2, 3], vertical_alignment="bottom")
    left.button("■ Pause" if playing else "▶ Play", key=f"lab_{prefix}_play", on_click=toggle, width="stretch",
                disabled=total <= 1, type="primary" if playing else "secondary")
    right.segmented_control("Speed", list(SPEEDS), key="lab_speed", required=True,
                            format_func=lambda name: name.capitalize())
    return SPEEDS[st.session_state.get("lab_speed") or "normal"] if playing else None


def _advance_if_playing(prefix: str, total: int) -> bool:
    """Called at the top of the stepping fragment: one step forward per timer tick.

    Returns True when the last step was reached: the caller then draws the
    step (so the slider learns its new value) and reruns the whole page,
    which stops the timer.
    """
    if st.session_state.get("lab_playing") != prefix:
        return False
    if st.session_state.pop("lab_play_started", False):
        return False  # the run that pressed Play shows the current step first
    step_key = f"lab_{prefix}_step"
    if st.session_state[step_key] < total:
        st.session_state[step_key] += 1
    if st.session_state[step_key] >= total:
        st.session_state["lab_playing"] = None
        return True
    return False


def _select_cell(chart_key: str, prefix: str, columns: int, cells: int) -> None:
    cell = _clicked_cell(chart_key)
    if cell is not None:
        index = cell[0] * columns + cell[1]
        if 0 <= index < cells:
            st.session_state[f"lab_{prefix}_step"] = index + 1


def _current_step(prefix: str, total: int, query_key: str) -> tuple[int, bool]:
    """Clamp, advance (when playing) and show the step buttons; returns (step number, finished).

    The step number is mirrored in the URL (``?step=`` / ``?pstep=``) so a
    teacher can link to one window.
    """
    step_key = f"lab_{prefix}_step"
    st.session_state[step_key] = min(max(int(st.session_state.get(step_key, 1)), 1), total)
    finished = _advance_if_playing(prefix, total)
    _step_buttons(prefix, total, st.session_state.get("lab_playing") == prefix)
    number = st.session_state[step_key]
    if st.query_params.get(query_key) != str(number):
        st.query_params[query_key] = str(number)
    return number, finished


def _conv_stepper(result: convolution.ConvolutionResult) -> None:
    total_cells = result.cell_count
    total = total_cells + (1 if result.relu else 0)
    number, finished = _current_step("conv", total, "step")
    if number > total_cells:
        _relu_step(result)
    else:
        _conv_cell_step(result, result.step(number - 1), total)
    if finished:
        st.rerun(scope="app")  # stops the play timer


def _conv_cell_step(result: convolution.ConvolutionResult, step: convolution.ConvolutionStep, total: int) -> None:
    total_cells = result.cell_count
    number = step.index + 1
    out_rows, out_cols = result.shape
    filled = np.full(result.shape, np.nan)
    flat_done = np.arange(total_cells) <= step.index
    filled.ravel()[flat_done] = result.pre_activation.ravel()[flat_done]
    labels = np.where(np.isnan(filled), "?", np.vectorize(numbers.format_number, otypes=[object])(filled))
    pad = result.padding
    image = result.padded[..., 0]
    dim = np.ones(image.shape, bool)
    dim[pad.top:pad.top + result.image.shape[0], pad.left:pad.left + result.image.shape[1]] = False
    kernel_rows, kernel_cols = result.kernel.shape[:2]
    st.markdown(f"**Step {number} of {total}** · output cell row {step.row + 1}, column {step.col + 1}")
    input_figure = dict(
        title="Input" + (" with zero padding" if not pad.is_zero else ""),
        highlight=(step.top, step.left, kernel_rows, kernel_cols),
        frame=None if pad.is_zero else (pad.top, pad.left, *result.image.shape[:2]),
        dim=dim, row_offset=-pad.top, col_offset=-pad.left,
    )
    output_range = (float(np.min(result.pre_activation)), float(np.max(result.pre_activation)))

    def show_output(cell: int) -> None:
        _show(matrix_figure(filled, title="Output (click a cell)", diverging=True, labels=labels,
                            highlight=(step.row, step.col, 1, 1), cell=cell, value_range=output_range),
              key="lab_conv_output_chart",
              on_select=lambda: _select_cell("lab_conv_output_chart", "conv", out_cols, total_cells))

    cell, widths = _fit(image.shape[1], kernel_cols, out_cols)
    if cell >= 34:  # the window, the kernel and the output side by side
        columns = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
        with columns[0]:
            _show(matrix_figure(image, cell=cell, **input_figure), key="lab_conv_input_chart")
        with columns[1]:
            _show(matrix_figure(result.kernel[..., 0], title="Kernel", diverging=True, cell=cell),
                  key="lab_conv_kernel_chart")
        with columns[2]:
            show_output(cell)
    else:  # a big input gets a row of its own
        cell, _ = _fit(image.shape[1])
        _show(matrix_figure(image, cell=cell, **input_figure), key="lab_conv_input_chart")
        cell, widths = _fit(kernel_cols, out_cols)
        columns = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
        with columns[0]:
            _show(matrix_figure(result.kernel[..., 0], title="Kernel", diverging=True, cell=cell),
                  key="lab_conv_kernel_chart")
        with columns[1]:
            show_output(cell)
    product_cell, product_widths = _fit(kernel_cols, kernel_cols, kernel_cols)
    products_column, text_column = st.columns([product_widths[0], MAIN_WIDTH - product_widths[0]])
    with products_column:
        _show(matrix_figure(step.products[..., 0], title="Products", diverging=True, cell=product_cell),
              key="lab_conv_products_chart")
    rows_text = f"{step.input_top + 1}–{step.input_top + kernel_rows}"
    cols_text = f"{step.input_left + 1}–{step.input_left + kernel_cols}"
    padded_cells = int(dim[step.top:step.top + kernel_rows, step.left:step.left + kernel_cols].sum())
    with text_column, st.container(key="lab_conv_arithmetic"):
        st.markdown(
            f"**Window:** input rows {rows_text}, columns {cols_text}"
            + (f" ({padded_cells} of its cells are padding zeros)" if padded_cells else "")
        )
        _arithmetic("Multiply each input number by the kernel weight on top of it", step.expression)
        _arithmetic("Add the products", step.products_sum_text)
        _arithmetic("Add the bias", step.bias_text)
        relu_note = " ReLU comes next, as its own step." if result.relu else ""
        st.markdown(f"**Output cell ({step.row + 1}, {step.col + 1})** {numbers.equals(step.pre_activation)}.{relu_note}")


def _relu_step(result: convolution.ConvolutionResult) -> None:
    st.markdown(f"**Step {result.cell_count + 1} of {result.cell_count + 1} · ReLU on the whole output**")
    cell, widths = _fit(result.shape[1], result.shape[1])
    before, after, _ = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
    extent = (float(np.min(result.pre_activation)), float(np.max(result.pre_activation)))
    with before:
        _show(matrix_figure(result.pre_activation, title="Before ReLU", diverging=True, value_range=extent, cell=cell),
              key="lab_relu_before_chart")
    with after:
        _show(matrix_figure(result.output, title="After ReLU", diverging=True, value_range=extent, cell=cell),
              key="lab_relu_after_chart")
    negatives = result.pre_activation[result.pre_activation < 0]
    with st.container(key="lab_relu_text"):
        st.markdown(
            "**ReLU(x) = max(0, x)**: every negative number becomes 0 and every positive number stays exactly "
            "as it is. It is not an absolute value: −2 becomes 0, not 2."
        )
        if negatives.size:
            changes = ", ".join(f"{numbers.format_number(value)} → 0" for value in negatives)
            st.markdown(f"Changed here: {changes}. Everything else passes through unchanged.")
        else:
            st.markdown("No number is negative here, so ReLU changes nothing.")


def _pool_stepper(result: pooling.PoolingResult) -> None:
    total = result.cell_count
    number, finished = _current_step("pool", total, "pstep")
    step = result.step(number - 1)
    pad = result.padding
    grid = np.pad(result.matrix, ((pad.top, pad.bottom), (pad.left, pad.right)), constant_values=np.nan)
    labels = np.where(np.isnan(grid), "pad", np.vectorize(numbers.format_number, otypes=[object])(grid))
    filled = np.full(result.shape, np.nan)
    done = np.arange(total) <= step.index
    filled.ravel()[done] = result.output.ravel()[done]
    out_labels = np.where(np.isnan(filled), "?", np.vectorize(numbers.format_number, otypes=[object])(filled))
    value_range = (float(np.nanmin(result.matrix)), float(np.nanmax(result.matrix)))
    st.markdown(f"**Step {number} of {total}** · output cell row {step.row + 1}, column {step.col + 1}")
    cell, widths = _fit(grid.shape[1], result.shape[1], budget=MAIN_WIDTH // 2 + 200)
    left, right = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])[:2]
    with left:
        _show(matrix_figure(grid, title="Matrix to pool", labels=labels, value_range=value_range,
                            highlight=(step.top, step.left, result.size, result.size),
                            frame=None if pad.is_zero else (pad.top, pad.left, *result.matrix.shape[:2]),
                            row_offset=-pad.top, col_offset=-pad.left, cell=cell),
              key="lab_pool_input_chart")
    with right:
        _show(matrix_figure(filled, title="Pooled (click a cell)", labels=out_labels, value_range=value_range,
                            highlight=(step.row, step.col, 1, 1), cell=cell),
              key="lab_pool_output_chart",
              on_select=lambda: _select_cell("lab_pool_output_chart", "pool", result.shape[1], total))
    with st.container(key="lab_pool_arithmetic"):
        rows_text = f"{max(step.input_top, 0) + 1}–{min(step.input_top + result.size, result.matrix.shape[0])}"
        cols_text = f"{max(step.input_left, 0) + 1}–{min(step.input_left + result.size, result.matrix.shape[1])}"
        st.markdown(f"**Window:** rows {rows_text}, columns {cols_text}")
        what = "the largest number" if result.mode == "max" else "the mean of the numbers"
        _arithmetic(f"Keep {what}", step.expression)
        if step.values.size < result.size * result.size:
            st.caption("Padding cells are ignored: they are neither a maximum nor counted in an average "
                       "(TensorFlow's rule).")
    if finished:
        st.rerun(scope="app")  # stops the play timer


# --------------------------------------------------------------------------- views


def _shape_text(result_rows: sizes.OutputSize, result_cols: sizes.OutputSize, shape: tuple[int, int],
                what: str = "k") -> None:
    st.markdown(
        f"**Output size** = {result_rows.formula} (n: input size, p: padding, {what}: window size, s: stride)  \n"
        f"rows: `{result_rows.text}` · columns: `{result_cols.text}` → **{shape[0]} × {shape[1]}**"
    )


def convolution_view() -> convolution.ConvolutionResult | None:
    preset = PRESETS[st.session_state["lab_preset"]]
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Input**")
        image = matrix_editor("image", "Input", numbers.MAX_INPUT_SIDE)
        note = st.session_state.get("lab_source_note")
        if note:
            st.caption(note)
    with right:
        st.markdown("**Kernel**")
        if preset.key == "model":
            _model_controls()
        if preset.key == "random":
            st.button("New random kernel", key="lab_random_button", on_click=_new_random_kernel)
        kernel = matrix_editor("kernel", "Kernel", numbers.MAX_KERNEL_SIDE)
    settings = st.columns([2, 5, 2, 2, 2], vertical_alignment="bottom")
    settings[0].number_input("Stride", 1, numbers.MAX_STRIDE, key="lab_stride")
    settings[1].segmented_control("Padding", list(PADDING_CHOICES), key="lab_padding_mode", required=True,
                                  format_func=PADDING_CHOICES.get, help=PADDING_HELP)
    if st.session_state["lab_padding_mode"] == "rings":
        settings[2].number_input("Zero rings", 0, numbers.MAX_PADDING, key="lab_padding_rings")
    settings[3].number_input("Bias", -1e6, 1e6, step=0.5, format="%g", key="lab_bias")
    settings[4].toggle("ReLU", key="lab_relu")
    if image is None or kernel is None:
        return None
    try:
        result = convolution.convolve2d(image, kernel, stride=st.session_state["lab_stride"], padding=_padding_setting(),
                               bias=st.session_state["lab_bias"], relu=st.session_state["lab_relu"])
    except ValueError as error:
        st.error(str(error))
        return None
    _shape_text(result.rows, result.cols, result.shape)
    if st.session_state["lab_padding_mode"] == "same":
        pad = result.padding
        st.caption(
            f"'same' padding keeps ⌈n / s⌉ outputs. TensorFlow adds the zeros it needs, and when their number is odd "
            f"the extra one goes at the bottom/right: here {pad.top} above, {pad.bottom} below, {pad.left} left, "
            f"{pad.right} right."
        )
    st.caption(convolution.CROSS_CORRELATION_NOTE)
    st.divider()
    interval = _play_controls("conv", result.cell_count + (1 if result.relu else 0))
    st.fragment(_conv_stepper, run_every=interval)(result)
    return result


def _model_controls() -> None:
    if not _model_available():
        st.warning("The trained classic model isn't available yet (it is still training or was not shipped), so "
                   "its first-layer kernels can't be shown. Pick another preset for now.")
        return
    left, right = st.columns(2)
    left.number_input("Filter (1–32)", 1, 32, key="lab_model_filter", on_change=_on_model_choice)
    right.selectbox("Channel", photo_filters.CHANNEL_CHOICES, key="lab_model_channel", on_change=_on_model_choice,
                    format_func=lambda name: "R + G + B (sum)" if name == "sum" else f"{name} only")
    channel = st.session_state["lab_model_channel"]
    which = "the sum of its red, green and blue slices (what it does to a gray pixel)" if channel == "sum" else (
        f"only its {channel} slice")
    st.caption(f"conv1 filter {st.session_state['lab_model_filter']} of 32, showing {which}, rounded to 3 decimals. "
               "The model divides pixels by 255 and adds its bias; here the weights apply to the numbers as typed.")


def pooling_view(conv_result: convolution.ConvolutionResult | None) -> None:
    first_row = st.columns([3, 2], vertical_alignment="bottom")
    first_row[0].segmented_control("Pool", list(POOL_SOURCES), key="lab_pool_source", required=True,
                                   format_func=POOL_SOURCES.get)
    first_row[1].segmented_control("Type", list(pooling.POOL_MODES), key="lab_pool_mode", required=True,
                                   format_func=str.capitalize)
    second_row = st.columns([1, 1, 2], vertical_alignment="bottom")
    second_row[0].number_input("Pool size", 1, 4, key="lab_pool_size")
    second_row[1].number_input("Stride", 1, 4, key="lab_pool_stride")
    second_row[2].segmented_control("Padding", list(sizes.PADDING_MODES), key="lab_pool_padding", required=True)
    if st.session_state["lab_pool_source"] == "input":
        with st.expander("Edit the matrix", expanded=False):
            matrix = matrix_editor("image", "Input", numbers.MAX_INPUT_SIDE, key_suffix="_pool")
    else:
        matrix = None if conv_result is None else conv_result.output
        if conv_result is None:
            st.warning("The convolution has a problem (see the Convolution + ReLU view); fix it first, or pool "
                       "the input matrix itself.")
        else:
            st.caption("Pooling the convolution's output" + (" after ReLU." if conv_result.relu else "."))
    if matrix is None:
        return
    try:
        result = pooling.pool2d(matrix, size=st.session_state["lab_pool_size"], stride=st.session_state["lab_pool_stride"],
                           mode=st.session_state["lab_pool_mode"], padding=st.session_state["lab_pool_padding"])
    except ValueError as error:
        st.error(str(error))
        return
    _shape_text(result.rows, result.cols, result.shape, what="k")
    st.caption("Pooling has no weights: it only keeps the largest number (max) or the mean (average) of each window. "
               "It shrinks the map and makes it less sensitive to a feature moving by a pixel.")
    st.divider()
    interval = _play_controls("pool", result.cell_count)
    st.fragment(_pool_stepper, run_every=interval)(result)


def colour_view() -> None:
    st.markdown(
        "A colour image has three numbers per pixel (red, green, blue), so a filter has one 3×3 slice of weights "
        "**per channel**: 3×3×3 = 27 weights, plus one bias. Each output number adds up all 27 products. That is "
        "why the first layer of a colour model stores 3×3×3 weights per filter: the classic model's conv1 has "
        "32 filters, 32 × (27 + 1) = 896 parameters."
    )
    st.session_state.setdefault("lab_rgb_image", RGB_IMAGE.tolist())
    st.session_state.setdefault("lab_rgb_kernel", RGB_KERNEL.tolist())
    image = np.asarray(st.session_state["lab_rgb_image"], dtype=np.float64)
    kernel_base = np.asarray(st.session_state["lab_rgb_kernel"], dtype=np.float64)
    channel_names = ("Red", "Green", "Blue")
    st.markdown("**The filter's three slices** (edit them)")
    kernel_columns = st.columns(3)
    slices = []
    version = st.session_state.get("lab_editor_version", 0)
    for channel, column in enumerate(kernel_columns):
        with column:
            st.caption(f"{channel_names[channel]} slice")
            frame = pd.DataFrame(kernel_base[..., channel], columns=["1", "2", "3"], index=pd.RangeIndex(1, 4))
            edited = st.data_editor(frame, key=f"lab_rgb_kernel_{channel}_{version}", num_rows="fixed",
                                    width="content",
                                    column_config={name: st.column_config.NumberColumn(name, format="plain")
                                                   for name in frame.columns})
            try:
                slices.append(numbers.parse_matrix(edited, name=f"{channel_names[channel].lower()} slice"))
            except ValueError as error:
                st.error(str(error))
                slices.append(None)
    if any(part is None for part in slices):
        return
    kernel = np.stack(slices, axis=2)
    st.session_state["lab_rgb_kernel"] = kernel.tolist()
    try:
        result = convolution.convolve2d(image, kernel)
    except ValueError as error:
        st.error(str(error))
        return
    st.session_state["lab_rgb_step"] = min(max(int(st.session_state.get("lab_rgb_step", 1)), 1), result.cell_count)
    if result.cell_count > 1:
        st.slider("Output cell", 1, result.cell_count, key="lab_rgb_step")
    step = result.step(st.session_state["lab_rgb_step"] - 1)
    kernel_rows, kernel_cols = kernel.shape[:2]
    cell, widths = _fit(image.shape[1], image.shape[1], image.shape[1], result.shape[1])
    channel_columns = st.columns(widths)
    for channel, column in enumerate(channel_columns[:3]):
        with column:
            _show(matrix_figure(image[..., channel], title=f"{channel_names[channel]} channel", value_range=(0, 255),
                                highlight=(step.top, step.left, kernel_rows, kernel_cols), cell=cell),
                  key=f"lab_rgb_input_{channel}")
    with channel_columns[3]:
        filled = np.full(result.shape, np.nan)
        done = np.arange(result.cell_count) <= step.index
        filled.ravel()[done] = result.output.ravel()[done]
        labels = np.where(np.isnan(filled), "?", np.vectorize(numbers.format_number, otypes=[object])(filled))
        _show(matrix_figure(filled, title="Output", diverging=True, labels=labels, highlight=(step.row, step.col, 1, 1),
                            value_range=(float(result.output.min()), float(result.output.max())), cell=cell),
              key="lab_rgb_output")
    with st.container(key="lab_rgb_arithmetic"):
        for channel in range(3):
            _arithmetic(f"{channel_names[channel]} channel",
                        f"{step.channel_expression(channel)} "
                        f"{numbers.equals(step.channel_sums[channel], terms=(step.window, step.kernel))}")
        sums = " + ".join(numbers.format_factor(value) for value in step.channel_sums)
        _arithmetic(f"All three channels together: output cell ({step.row + 1}, {step.col + 1})",
                    f"{sums} {numbers.equals(step.total, terms=step.channel_sums)}")
    st.caption("The red slice finds a bright-to-dark step in red, the blue slice the opposite step in blue: both "
               "agree where a red object sits left of a blue one.")


@st.cache_data(show_spinner=False, max_entries=8)
def _photo_filters(pixels_digest: str, _pixels: np.ndarray, kernel: tuple[tuple[float, ...], ...],
                   display_side: int = 480) -> dict[str, np.ndarray]:
    """Grayscale photo, shrunk for display, filtered with the lab's kernel and with Sobel x / y (OpenCV)."""
    import cv2

    gray = to_grayscale(_pixels)
    scale = display_side / max(gray.shape)
    small = cv2.resize(gray, (max(int(gray.shape[1] * scale), 1), max(int(gray.shape[0] * scale), 1)),
                       interpolation=cv2.INTER_AREA) if scale < 1 else gray
    return {
        "gray_full": gray,
        "scale": min(scale, 1.0),
        "gray": np.clip(small, 0, 255).astype(np.uint8),
        "kernel": photo_filters.response_to_uint8(photo_filters.filter_image(small, np.asarray(kernel)), PHOTO_PERCENTILE),
        "sobel_x": photo_filters.response_to_uint8(photo_filters.filter_image(small, np.asarray(SOBEL_X, dtype=np.float64)),
                                        PHOTO_PERCENTILE),
        "sobel_y": photo_filters.response_to_uint8(photo_filters.filter_image(small, np.asarray(SOBEL_Y, dtype=np.float64)),
                                        PHOTO_PERCENTILE),
    }


def _digest(pixels: np.ndarray) -> str:
    import hashlib

    return hashlib.sha1(np.ascontiguousarray(pixels).tobytes()).hexdigest()


def photo_view() -> None:
    photo = photo_picker.photo_expander("lab_photo")
    kernel = np.asarray(st.session_state["lab_kernel"], dtype=np.float64)
    filtered = _photo_filters(_digest(photo.pixels), photo.pixels, tuple(map(tuple, kernel.tolist())))
    st.markdown(f"**{photo.name}** in grayscale, filtered with OpenCV (`cv2.filter2D`: the same sliding window, "
                "zero padding, no flip). Brighter means a stronger response, positive or negative; the strongest "
                "0.5 % are white.")
    gray = filtered["gray_full"]
    height, width = gray.shape
    if height < 6 or width < 6:
        st.warning("This photo is smaller than 6×6 pixels, so there is nothing to crop.")
        return
    st.session_state.setdefault("lab_crop_top", (height - 6) // 2 + 1)
    st.session_state.setdefault("lab_crop_left", (width - 6) // 2 + 1)
    st.session_state["lab_crop_top"] = min(max(int(st.session_state["lab_crop_top"]), 1), height - 5)
    st.session_state["lab_crop_left"] = min(max(int(st.session_state["lab_crop_left"]), 1), width - 5)
    top, start = st.session_state["lab_crop_top"] - 1, st.session_state["lab_crop_left"] - 1
    before = _mark_crop(filtered["gray"], top, start, filtered["scale"])
    upper = st.columns(2)
    upper[0].image(before, caption="Before: grayscale (orange box: the crop below)", width="stretch")
    upper[1].image(filtered["kernel"], caption="After: the lab's current kernel", width="stretch")
    lower = st.columns(2)
    lower[0].image(filtered["sobel_x"], caption="Sobel x: vertical edges", width="stretch")
    lower[1].image(filtered["sobel_y"], caption="Sobel y: horizontal edges", width="stretch")
    st.markdown("**Real pixel values**: a 6×6 crop of the full-size grayscale photo")
    left, right = st.columns([2, 3])
    with left:
        st.slider("Crop top (pixel row)", 1, height - 5, key="lab_crop_top")
        st.slider("Crop left (pixel column)", 1, width - 5, key="lab_crop_left")
        patch = photo_filters.crop(gray, top, start, 6).round()
        colour_patch = photo_filters.crop(photo.pixels, top, start, 4).astype(np.float64)

        def load_crop() -> None:
            _set_matrix("image", patch)
            st.session_state["lab_source_note"] = (f"6×6 crop of {photo.name} (grayscale) at pixel row {top + 1}, "
                                                   f"column {start + 1}.")
            st.session_state["lab_view"] = "convolution"
            st.session_state["lab_conv_step"] = 1

        def load_colour_crop() -> None:
            st.session_state["lab_rgb_image"] = colour_patch.tolist()
            st.session_state["lab_view"] = "colour"
            st.session_state["lab_rgb_step"] = 1

        st.button("Load this 6×6 crop into the lab", key="lab_crop_button", on_click=load_crop, type="primary")
        st.button("Load a 4×4 colour crop (RGB view)", key="lab_colour_crop_button", on_click=load_colour_crop)
    with right:
        _show(matrix_figure(patch, title=f"Pixels at row {top + 1}, column {start + 1}", row_offset=top,
                            col_offset=start, value_range=(0, 255), cell=44), key="lab_crop_chart")


def _mark_crop(gray: np.ndarray, top: int, left: int, scale: float) -> np.ndarray:
    """The display photo in RGB with an orange box where the 6×6 crop is (at least 10 px so it shows)."""
    import cv2

    rgb = np.repeat(gray[..., None], 3, axis=2).copy()
    size = max(int(round(6 * scale)), 10)
    y, x = int(top * scale), int(left * scale)
    cv2.rectangle(rgb, (x - 2, y - 2), (x + size + 2, y + size + 2), (0, 0, 0), 4)
    cv2.rectangle(rgb, (x - 2, y - 2), (x + size + 2, y + size + 2), (230, 159, 0), 2)
    return rgb


def _vector_editor(label: str, values: list[float], names: list[str], key: str) -> object:
    frame = pd.DataFrame([values], columns=names, index=[label])
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="content",
                            column_config={name: st.column_config.NumberColumn(name, format="plain")
                                           for name in names})
    return edited.to_numpy(dtype=object)[0]


def decision_view(conv_result: convolution.ConvolutionResult | None) -> None:
    st.markdown("After the convolution and pooling blocks, the network turns its feature maps into one answer. "
                "Four small steps, with real numbers you can edit.")
    # 1. Flatten
    st.subheader("1 · Flatten", anchor=False)
    stages = shape_chain.conv_pool_shapes()
    chain = " → ".join(f"{stage.rows}" for stage in stages)
    last = stages[-1]
    summary = dense.flatten_summary(last.rows, last.cols, last.channels)
    parameters = dense.dense_parameters(summary.size, 512)
    st.markdown(
        f"In the classic model a 150×150 photo shrinks {chain} (each 3×3 'valid' convolution takes 2 away, each 2×2 "
        f"pool halves, rounding down). The last block is {last.text}; Flatten lays it out as one list of "
        f"**{summary.text}** numbers. The Dense layer after it has one weight per number per unit: "
        f"{parameters.text} parameters."
    )
    pooled = np.asarray(pooling.pool2d(POOL_IMAGE, size=2).output)
    source = "the 4×4 pooling example"
    if conv_result is not None:
        try:
            lab_pooled = pooling.pool2d(conv_result.output, size=2, stride=2).output
        except ValueError:
            lab_pooled = None
        if lab_pooled is not None and 4 <= lab_pooled.size <= 9:
            pooled, source = lab_pooled, "the lab's convolution output after 2×2 max pooling"
    st.markdown(f"A small pooled map to flatten (from {source}; edit it):")
    version = st.session_state.get("lab_editor_version", 0)
    rows, cols = pooled.shape
    frame = pd.DataFrame(pooled, columns=[str(col + 1) for col in range(cols)], index=pd.RangeIndex(1, rows + 1))
    edited = st.data_editor(frame, key=f"lab_pooled_editor_{version}_{rows}x{cols}", num_rows="fixed",
                            width="content",
                            column_config={name: st.column_config.NumberColumn(name, format="plain")
                                           for name in frame.columns})
    try:
        pooled = numbers.parse_matrix(edited, name="pooled map")
    except ValueError as error:
        st.error(str(error))
        return
    vector = dense.flatten(pooled)
    labels = dense.flatten_labels(pooled.shape)
    st.markdown(f"Flatten reads it row by row: {rows} × {cols} = {vector.size} numbers, "
                f"x = [{', '.join(numbers.format_number(value) for value in vector)}].")
    # 2. One dense neuron
    st.subheader("2 · One dense neuron: z = w·x + b, then ReLU", anchor=False)
    default_weights = [(0.5, -0.25, 0.25, -0.125)[index % 4] for index in range(vector.size)]
    weights = _vector_editor("w", default_weights, labels, f"lab_dense_weights_{vector.size}")
    st.session_state.setdefault("lab_dense_bias", 0.5)
    bias_column, _ = st.columns([1, 3])
    bias_column.number_input("Bias b", -1e6, 1e6, step=0.5, format="%g", key="lab_dense_bias")
    try:
        neuron = dense.dense_neuron(vector, weights, st.session_state["lab_dense_bias"])
    except ValueError as error:
        st.error(str(error))
        return
    with st.container(key="lab_neuron_text"):
        _arithmetic("Weighted sum plus bias", neuron.expression)
        _arithmetic("ReLU", neuron.activation_text)
        st.markdown(f"This neuron passes on **{numbers.format_number(neuron.output)}**. The classic model's Dense layer has "
                    "512 such neurons, each with its own 6,272 weights.")
    # 3. Dropout
    st.subheader("3 · Dropout (training only)", anchor=False)
    st.session_state.setdefault("lab_dropout_rate", 0.5)
    rate_column, _ = st.columns([2, 3])
    rate_column.slider("Dropout rate", 0.0, 0.9, step=0.1, key="lab_dropout_rate")
    rate = float(st.session_state["lab_dropout_rate"])
    activations = [neuron.output, 1.5, 0.0, 3.0, 0.8, 2.2]
    steps = dense.dropout_steps(activations, rate, steps=3, seed=7)
    table = {"activation": [numbers.format_number(value) for value in activations]}
    for step in steps:
        table[f"training step {step.step}"] = [
            f"{numbers.format_number(value)} × {numbers.format_number(step.scale)} "
            f"{numbers.equals(value * step.scale, terms=step.scale)}" if kept else "dropped → 0"
            for value, kept in zip(activations, step.kept)]
    table["predicting"] = [numbers.format_number(value) for value in activations]
    st.dataframe(pd.DataFrame(table, index=[f"neuron {index + 1}" for index in range(len(activations))]),
                 width="stretch")
    st.caption(f"Neuron 1 is the one computed above; the others are example values. In each training step every "
               f"neuron is dropped with probability {numbers.format_number(rate)} and the kept ones are multiplied by "
               f"1 / (1 − {numbers.format_number(rate)}) {numbers.equals(steps[0].scale)}, so the total stays the same on "
               "average. When the model predicts, nothing is dropped and nothing is scaled.")
    # 4. Sigmoid
    st.subheader("4 · The output neuron and the sigmoid", anchor=False)
    st.markdown("The output neuron weighs the (dropout-free) activations and adds its bias, giving one number z; "
                "the sigmoid squeezes z into a probability between 0 and 1.")
    names = [f"neuron {index + 1}" for index in range(len(activations))]
    output_weights = _vector_editor("v", [0.4, -0.3, 0.2, 0.5, -0.6, 0.3], names, "lab_output_weights")
    st.session_state.setdefault("lab_output_bias", -1.0)
    output_bias_column, _ = st.columns([1, 3])
    output_bias_column.number_input("Output bias", -1e6, 1e6, step=0.5, format="%g", key="lab_output_bias")
    try:
        output_neuron = dense.dense_neuron(activations, output_weights, st.session_state["lab_output_bias"], relu=False)
    except ValueError as error:
        st.error(str(error))
        return
    result = dense.sigmoid_step(output_neuron.z)
    with st.container(key="lab_sigmoid_text"):
        _arithmetic("The output neuron (no ReLU)", output_neuron.expression)
        _arithmetic("Sigmoid", result.text)
        st.markdown(
            f"A probability of {numbers.format_number(result.probability)} for class 1, **dogs** (the second folder in "
            f"alphabetical order), so the answer is **{result.predicted}**. σ(0) = 0.5 exactly; above 0.5 means dogs."
        )


# --------------------------------------------------------------------------- page


def main() -> None:
    _init_state()
    st.title("Convolution & pooling lab")
    st.markdown("Every number of a convolution, a ReLU and a pooling step, one window at a time. Edit the "
                "matrices, pick a preset, then step through.")
    for problem in st.session_state.pop("lab_link_problems", []):
        st.warning(f"This link's setting {problem}; the lab used its default instead.")
    presets = list(PRESETS)
    model_ready = _model_available()

    def preset_label(key: str) -> str:
        title = PRESETS[key].title
        return title if key != "model" or model_ready else f"{title} (not available yet)"

    top_left, top_right = st.columns([2, 3])
    top_left.selectbox("Preset", presets, key="lab_preset", format_func=preset_label, on_change=_on_preset_change)
    top_right.caption(PRESETS[st.session_state["lab_preset"]].description)
    st.segmented_control("Show", list(VIEWS), key="lab_view", required=True, format_func=VIEWS.get)
    view = st.session_state["lab_view"]
    conv_result = None
    if view == "convolution":
        conv_result = convolution_view()
    else:
        try:
            conv_result = convolution.convolve2d(st.session_state["lab_image"], st.session_state["lab_kernel"],
                                        stride=st.session_state["lab_stride"], padding=_padding_setting(),
                                        bias=st.session_state["lab_bias"], relu=st.session_state["lab_relu"])
        except ValueError:
            conv_result = None
    if view == "pooling":
        pooling_view(conv_result)
    elif view == "colour":
        colour_view()
    elif view == "photo":
        photo_view()
    elif view == "decision":
        decision_view(conv_result)
    _sync_link()
    st.caption("Share: the address bar always holds this preset and these settings: copy it to share exactly this view.")


main()
