"""The "Convolution + ReLU" view: edit the input and the kernel, then step through every window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.arithmetic import convolution, lab_steps, numbers, photo_filters
from core.arithmetic.lab_settings import MODEL_FILTERS, PADDING_CHOICES, LabSettings, model_kernel_caption
from core.arithmetic.presets import PRESETS
from core.figures.number_grid import MAIN_WIDTH, fit_cells, needed_cell, number_grid_figure, progress_figure
from ui.components.stepper import Stepper
from ui.lab import state
from ui.lab.display import arithmetic, checked_number_input, show_grid, show_input_notes
from ui.lab.matrix_editor import matrix_editor

STEPPER = Stepper("conv", query_key="step")
PADDING_HELP = ("valid: no padding, the window stays inside the input. same: TensorFlow's padding, which keeps "
                "⌈n / s⌉ outputs. zero rings: as many rings of zeros as you choose.")
OUTPUT_CHART = "lab_conv_output_chart"
STRIDE_REASON = (f"A stride of {numbers.MAX_STRIDE} already moves the window half across the largest "
                 f"{numbers.MAX_INPUT_SIDE} × {numbers.MAX_INPUT_SIDE} input in one step.")
RINGS_REASON = (f"With {numbers.MAX_PADDING} rings a {numbers.MAX_KERNEL_SIDE} × {numbers.MAX_KERNEL_SIDE} kernel "
                "can already be centred on a corner number.")
SIDE_BY_SIDE_CELL = 34  # below this cell size the input gets a row of its own


@dataclass(frozen=True)
class ConvolutionSpec:
    """The convolution's settings (the matrices are the lab's own)."""

    stride: int
    padding: str | int
    bias: float
    relu: bool

    @classmethod
    def from_settings(cls, settings: LabSettings) -> ConvolutionSpec:
        return cls(int(settings.stride), settings.padding, float(settings.bias), bool(settings.relu))

    def compute(self, image: object, kernel: object) -> convolution.ConvolutionResult:
        return convolution.convolve2d(image, kernel, stride=self.stride, padding=self.padding, bias=self.bias,
                                      relu=self.relu)


def current_convolution() -> convolution.ConvolutionResult | None:
    """The lab's convolution as set now, for the other views; None when the settings don't work."""
    try:
        return ConvolutionSpec.from_settings(state.settings()).compute(state.matrix("image"), state.matrix("kernel"))
    except ValueError:
        return None


def _model_controls() -> None:
    if state.model_info() is None:
        st.warning("The trained classic model isn't available yet (it is still training or was not shipped), so "
                   "its first-layer kernels can't be shown. Pick another preset for now.")
        return
    left, right = st.columns(2)
    checked_number_input(left, f"Filter (1–{MODEL_FILTERS})", 1, MODEL_FILTERS, key="lab_model_filter",
                         name="Filter", reason=f"conv1 has {MODEL_FILTERS} filters.", then=state.on_model_choice)
    right.selectbox("Channel", photo_filters.CHANNEL_CHOICES, key="lab_model_channel", on_change=state.on_model_choice,
                    format_func=lambda name: "R + G + B (sum)" if name == "sum" else f"{name} only")
    show_input_notes()
    st.caption(model_kernel_caption(st.session_state["lab_model_filter"], st.session_state["lab_model_channel"]))


def _read_controls() -> ConvolutionSpec:
    settings = st.columns([2, 5, 2, 2, 2], vertical_alignment="bottom")
    checked_number_input(settings[0], "Stride", 1, numbers.MAX_STRIDE, key="lab_stride", name="Stride",
                         reason=STRIDE_REASON)
    settings[1].segmented_control("Padding", list(PADDING_CHOICES), key="lab_padding_mode", required=True,
                                  format_func=PADDING_CHOICES.get, help=PADDING_HELP)
    if st.session_state["lab_padding_mode"] == "rings":
        checked_number_input(settings[2], "Zero rings", 0, numbers.MAX_PADDING, key="lab_padding_rings",
                             name="Zero rings", reason=RINGS_REASON)
    checked_number_input(settings[3], "Bias", -numbers.MAX_BIAS, numbers.MAX_BIAS, key="lab_bias", name="Bias",
                         whole=False, step=0.5, format="%g")
    settings[4].toggle("ReLU", key="lab_relu")
    show_input_notes()
    return ConvolutionSpec.from_settings(state.settings())


def convolution_view() -> convolution.ConvolutionResult | None:
    preset = PRESETS[st.session_state["lab_preset"]]
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Input**")
        image = matrix_editor("image", numbers.MAX_INPUT_SIDE)
        note = st.session_state.get("lab_source_note")
        if note:
            st.caption(note)
    with right:
        st.markdown("**Kernel**")
        if preset.key == "model":
            _model_controls()
        if preset.key == "random":
            st.button("New random kernel", key="lab_random_button", on_click=state.new_random_kernel)
        kernel = matrix_editor("kernel", numbers.MAX_KERNEL_SIDE)
    spec = _read_controls()
    if image is None or kernel is None:
        return None
    try:
        result = spec.compute(image, kernel)
    except ValueError as error:
        st.error(str(error))
        return None
    st.markdown(lab_steps.shape_summary(result.rows, result.cols))
    if spec.padding == "same":
        st.caption(lab_steps.same_padding_note(result.padding))
    st.caption(convolution.CROSS_CORRELATION_NOTE)
    st.divider()
    interval = STEPPER.play_controls(lab_steps.convolution_step_count(result))
    st.fragment(_stepping, run_every=interval)(result)
    return result


def _stepping(result: convolution.ConvolutionResult) -> None:
    """The fragment: one step, rerun alone by the step buttons, a click on the output and the play timer."""
    total = lab_steps.convolution_step_count(result)
    number, finished = STEPPER.current_step(total)
    state.remember()  # a fragment run moves the step; a page switch after it must keep it
    if number > result.cell_count:
        _relu_step(result)
    else:
        _cell_step(result, result.step(number - 1), total)
    if finished:
        st.rerun(scope="app")  # stops the play timer


def _cell_step(result: convolution.ConvolutionResult, step: convolution.ConvolutionStep, total: int) -> None:
    out_cols = result.shape[1]
    pad = result.padding
    image = result.padded[..., 0]
    dim = np.ones(image.shape, bool)  # padding cells are written in grey
    dim[pad.top:pad.top + result.image.shape[0], pad.left:pad.left + result.image.shape[1]] = False
    kernel_rows, kernel_cols = result.kernel.shape[:2]
    st.markdown(lab_steps.step_heading(step.index + 1, total, step.row, step.col))
    output_range = (float(np.min(result.pre_activation)), float(np.max(result.pre_activation)))

    def show_input(cell: int) -> None:
        show_grid(number_grid_figure(
            image, title="Input" + (" with zero padding" if not pad.is_zero else ""), cell=cell,
            highlight=(step.top, step.left, kernel_rows, kernel_cols),
            frame=None if pad.is_zero else (pad.top, pad.left, *result.image.shape[:2]),
            dim=dim, row_offset=-pad.top, col_offset=-pad.left), key="lab_conv_input_chart")

    def show_kernel(cell: int) -> None:
        show_grid(number_grid_figure(result.kernel[..., 0], title="Kernel", diverging=True, cell=cell),
                  key="lab_conv_kernel_chart")

    def show_output(cell: int) -> None:
        show_grid(progress_figure(result.pre_activation, step.index, title="Output (click a cell)", diverging=True,
                                  value_range=output_range, cell=cell),
                  key=OUTPUT_CHART, on_select=lambda: STEPPER.select_clicked_cell(OUTPUT_CHART, out_cols,
                                                                                  result.cell_count))

    # Cells wide enough for the longest number written in them (a kernel of −0.089s needs more than 30 px).
    needed = needed_cell(image, result.kernel[..., 0], result.pre_activation)
    cell, widths = fit_cells(image.shape[1], kernel_cols, out_cols)
    with st.container(key="lab_conv_grids"):  # keyed: on a phone the arithmetic comes first (ui.components.style)
        if cell >= max(SIDE_BY_SIDE_CELL, needed):  # the window, the kernel and the output side by side
            columns = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
            with columns[0]:
                show_input(cell)
            with columns[1]:
                show_kernel(cell)
            with columns[2]:
                show_output(cell)
        else:  # a big input gets a row of its own
            show_input(max(fit_cells(image.shape[1])[0], needed_cell(image)))
            cell, widths = fit_cells(kernel_cols, out_cols,
                                     min_cell=needed_cell(result.kernel[..., 0], result.pre_activation))
            columns = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
            with columns[0]:
                show_kernel(cell)
            with columns[1]:
                show_output(cell)
    product_cell, product_widths = fit_cells(kernel_cols, kernel_cols, kernel_cols,
                                             min_cell=needed_cell(step.products))
    window = lab_steps.convolution_window(result, step)
    with st.container(key="lab_conv_worked"):
        products_column, text_column = st.columns([product_widths[0], MAIN_WIDTH - product_widths[0]])
        with products_column:
            show_grid(number_grid_figure(step.products[..., 0], title="Products", diverging=True, cell=product_cell),
                      key="lab_conv_products_chart")
        with text_column, st.container(key="lab_conv_arithmetic"):
            st.markdown(window.text)
            arithmetic("Multiply each input number by the kernel weight on top of it", step.expression)
            arithmetic("Add the products", step.products_sum_text)
            arithmetic("Add the bias", step.bias_text)
            st.markdown(window.result_text)


def _relu_step(result: convolution.ConvolutionResult) -> None:
    st.markdown(lab_steps.relu_heading(result))
    cell, widths = fit_cells(result.shape[1], result.shape[1])
    before, after, _ = st.columns(widths + [max(MAIN_WIDTH - sum(widths), 1)])
    extent = (float(np.min(result.pre_activation)), float(np.max(result.pre_activation)))
    with before:
        show_grid(number_grid_figure(result.pre_activation, title="Before ReLU", diverging=True, value_range=extent,
                                     cell=cell), key="lab_relu_before_chart")
    with after:
        show_grid(number_grid_figure(result.output, title="After ReLU", diverging=True, value_range=extent,
                                     cell=cell), key="lab_relu_after_chart")
    summary = lab_steps.ReluSummary(result.pre_activation)
    with st.container(key="lab_relu_text"):
        st.markdown(summary.RULE)
        st.markdown(summary.changes_text)
