"""The "Colour (RGB)" view: one filter with a 3×3 slice per colour channel, all 27 products summed."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.arithmetic import convolution, lab_steps
from core.arithmetic.presets import RGB_IMAGE, RGB_KERNEL
from core.figures.number_grid import fit_cells, number_grid_figure, progress_figure
from ui.components.number_grid import number_grid
from ui.lab import state
from ui.lab.display import arithmetic, read_grid, show_grid

CHANNEL_NAMES = ("Red", "Green", "Blue")
INTRO = (
    "A colour image has three numbers per pixel (red, green, blue), so a filter has one 3×3 slice of weights "
    "**per channel**: 3×3×3 = 27 weights, plus one bias. Each output number adds up all 27 products. That is "
    "why the first layer of a colour model stores 3×3×3 weights per filter: the classic model's conv1 has "
    "32 filters, 32 × (27 + 1) = 896 parameters."
)
CLOSING = ("The red slice finds a bright-to-dark step in red, the blue slice the opposite step in blue: both "
           "agree where a red object sits left of a blue one.")


def _kernel_editors(kernel: np.ndarray) -> np.ndarray | None:
    """The filter's three slices side by side; the checked (3, 3, 3) filter, or None after a message."""
    st.markdown("**The filter's three slices** (edit them)")
    slices = []
    version = state.editor_version()
    for channel, column in enumerate(st.columns(3)):
        with column:
            st.caption(f"{CHANNEL_NAMES[channel]} slice")
            cells = number_grid(kernel[..., channel], f"lab_rgb_kernel_{channel}_{version}")
            slices.append(read_grid(cells, name=f"{CHANNEL_NAMES[channel].lower()} slice"))
    if any(part is None for part in slices):
        return None
    return np.stack(slices, axis=2)


def colour_view() -> None:
    st.markdown(INTRO)
    st.session_state.setdefault("lab_rgb_image", RGB_IMAGE.tolist())
    st.session_state.setdefault("lab_rgb_kernel", RGB_KERNEL.tolist())
    image = np.asarray(st.session_state["lab_rgb_image"], dtype=np.float64)
    kernel = _kernel_editors(np.asarray(st.session_state["lab_rgb_kernel"], dtype=np.float64))
    if kernel is None:
        return
    st.session_state["lab_rgb_kernel"] = kernel.tolist()
    try:
        result = convolution.convolve2d(image, kernel)
    except ValueError as error:
        st.error(str(error))
        return
    st.session_state["lab_rgb_step"] = min(max(int(st.session_state.get("lab_rgb_step", 1)), 1), result.cell_count)
    # One container, so that on a phone its arithmetic can come right under the slider (ui.components.style).
    with st.container(key="lab_rgb_stepping"):
        _colour_step(image, kernel, result)
    st.caption(CLOSING)


def _colour_step(image: np.ndarray, kernel: np.ndarray, result: convolution.ConvolutionResult) -> None:
    if result.cell_count > 1:
        st.slider("Output cell", 1, result.cell_count, key="lab_rgb_step")
    step = result.step(st.session_state["lab_rgb_step"] - 1)
    kernel_rows, kernel_cols = kernel.shape[:2]
    cell, widths = fit_cells(image.shape[1], image.shape[1], image.shape[1], result.shape[1])
    columns = st.container(key="lab_rgb_grids").columns(widths)
    for channel, column in enumerate(columns[:3]):
        with column:
            show_grid(number_grid_figure(image[..., channel], title=f"{CHANNEL_NAMES[channel]} channel",
                                         value_range=(0, 255), cell=cell,
                                         highlight=(step.top, step.left, kernel_rows, kernel_cols)),
                      key=f"lab_rgb_input_{channel}")
    with columns[3]:
        show_grid(progress_figure(result.output, step.index, title="Output", diverging=True,
                                  value_range=(float(result.output.min()), float(result.output.max())), cell=cell),
                  key="lab_rgb_output")
    with st.container(key="lab_rgb_arithmetic"):
        for channel in range(3):
            arithmetic(f"{CHANNEL_NAMES[channel]} channel", lab_steps.channel_sum_text(step, channel))
        arithmetic(f"All three channels together: output cell ({step.row + 1}, {step.col + 1})",
                   lab_steps.channel_total_text(step))
