"""The "Pooling" view: max or average pooling of the convolution's output or of the input, one window at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.arithmetic import convolution, lab_steps, numbers, pooling, sizes
from core.arithmetic.lab_link import MAX_POOL_SIDE
from core.arithmetic.lab_settings import POOL_SOURCES
from core.figures.number_grid import MAIN_WIDTH, fit_cells, format_labels, number_grid_figure, progress_figure
from ui.components.stepper import Stepper
from ui.lab import state
from ui.lab.display import arithmetic, checked_number_input, show_grid, show_input_notes
from ui.lab.matrix_editor import matrix_editor

STEPPER = Stepper("pool", query_key="pstep")
OUTPUT_CHART = "lab_pool_output_chart"
POOLING_NOTE = ("Pooling has no weights: it only keeps the largest number (max) or the mean (average) of each window. "
                "It shrinks the map and makes it less sensitive to a feature moving by a pixel.")


@dataclass(frozen=True)
class PoolingSpec:
    source: str  # a key of POOL_SOURCES
    mode: str
    size: int
    stride: int
    padding: str

    def compute(self, matrix: object) -> pooling.PoolingResult:
        return pooling.pool2d(matrix, size=self.size, stride=self.stride, mode=self.mode, padding=self.padding)


def _read_controls() -> PoolingSpec:
    first_row = st.columns([3, 2], vertical_alignment="bottom")
    first_row[0].segmented_control("Pool", list(POOL_SOURCES), key="lab_pool_source", required=True,
                                   format_func=POOL_SOURCES.get)
    first_row[1].segmented_control("Type", list(pooling.POOL_MODES), key="lab_pool_mode", required=True,
                                   format_func=str.capitalize)
    second_row = st.columns([1, 1, 2], vertical_alignment="bottom")
    reason = f"The lab's pooling windows are at most {MAX_POOL_SIDE} × {MAX_POOL_SIDE}."
    checked_number_input(second_row[0], "Pool size", 1, MAX_POOL_SIDE, key="lab_pool_size", name="Pool size",
                         reason=reason)
    checked_number_input(second_row[1], "Stride", 1, MAX_POOL_SIDE, key="lab_pool_stride", name="Stride",
                         reason=reason)
    second_row[2].segmented_control("Padding", list(sizes.PADDING_MODES), key="lab_pool_padding", required=True)
    show_input_notes()
    settings = state.settings()
    return PoolingSpec(settings.pool_source, settings.pool_mode, int(settings.pool_size), int(settings.pool_stride),
                       settings.pool_padding)


def pooling_view(conv_result: convolution.ConvolutionResult | None) -> None:
    spec = _read_controls()
    if spec.source == "input":
        with st.expander("Edit the matrix", expanded=False):
            matrix = matrix_editor("image", numbers.MAX_INPUT_SIDE, key_suffix="_pool")
    elif conv_result is None:
        st.warning("The convolution has a problem (see the Convolution + ReLU view); fix it first, or pool "
                   "the input matrix itself.")
        matrix = None
    else:
        matrix = conv_result.output
        st.caption("Pooling the convolution's output" + (" after ReLU." if conv_result.relu else "."))
    if matrix is None:
        return
    try:
        result = spec.compute(matrix)
    except ValueError as error:
        st.error(str(error))
        return
    st.markdown(lab_steps.shape_summary(result.rows, result.cols, what="k"))
    st.caption(POOLING_NOTE)
    st.divider()
    interval = STEPPER.play_controls(result.cell_count)
    st.fragment(_stepping, run_every=interval)(result)


def _stepping(result: pooling.PoolingResult) -> None:
    """The fragment: one pooling window, rerun alone by the step buttons, a click and the play timer."""
    total = result.cell_count
    number, finished = STEPPER.current_step(total)
    state.remember()  # a fragment run moves the step; a page switch after it must keep it
    step = result.step(number - 1)
    pad = result.padding
    grid = np.pad(result.matrix, ((pad.top, pad.bottom), (pad.left, pad.right)), constant_values=np.nan)
    labels = np.where(np.isnan(grid), "pad", format_labels(grid))
    value_range = (float(np.nanmin(result.matrix)), float(np.nanmax(result.matrix)))
    st.markdown(lab_steps.step_heading(number, total, step.row, step.col))
    cell, widths = fit_cells(grid.shape[1], result.shape[1], budget=MAIN_WIDTH // 2 + 200)
    # Keyed: on a phone the arithmetic comes right under the step buttons (ui.components.style).
    left, right = st.container(key="lab_pool_grids").columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])[:2]
    with left:
        show_grid(number_grid_figure(grid, title="Matrix to pool", labels=labels, value_range=value_range,
                                     highlight=(step.top, step.left, result.size, result.size),
                                     frame=None if pad.is_zero else (pad.top, pad.left, *result.matrix.shape[:2]),
                                     row_offset=-pad.top, col_offset=-pad.left, cell=cell),
                  key="lab_pool_input_chart")
    with right:
        show_grid(progress_figure(result.output, step.index, title="Pooled (click a cell)", value_range=value_range,
                                  cell=cell),
                  key=OUTPUT_CHART, on_select=lambda: STEPPER.select_clicked_cell(OUTPUT_CHART, result.shape[1], total))
    window = lab_steps.pooling_window(result, step)
    with st.container(key="lab_pool_arithmetic"):
        st.markdown(window.text)
        arithmetic(window.rule_label, step.expression)
        if window.covers_padding:
            st.caption(lab_steps.PADDING_IGNORED)
    if finished:
        st.rerun(scope="app")  # stops the play timer
