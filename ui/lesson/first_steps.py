"""Steps 1 to 4: the photo's numbers, one filter's output worked out, ReLU and max pooling."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.arithmetic.numbers import format_number
from core.explain.numbering import shown_number
from core.lesson import first_steps
from core.lesson.first_layer import REGION_SIDE, FirstLayerLesson
from ui.lesson.frame import step_layout
from ui.lesson.grids import grid_html, show_grids
from ui.lesson.navigation import LessonSpec

CHANNELS = first_steps.CHANNELS


def _image_width(spec: LessonSpec) -> int:
    return 330 if spec.presenting else 360


def photo_step(spec: LessonSpec, lesson: FirstLayerLesson) -> None:
    text = first_steps.photo_text(lesson)
    rows, cols, _ = lesson.pixels.shape

    def visual() -> None:
        st.image(lesson.pixels.astype(np.uint8), width=_image_width(spec),
                 caption=f"What the model receives: {rows}×{cols} pixels",
                 alt=f"The photo as the model receives it: {rows}×{cols} pixels, "
                     f"{rows * cols * 3:,} numbers (red, green and blue for each pixel)")

    def numbers() -> None:
        st.metric("Numbers the model receives", f"{rows}×{cols}×3 = {rows * cols * 3:,}")
        patch = lesson.patch_pixels
        show_grids([grid_html(patch[..., index], f"{name} (0–255)", decimals=0, signed=False)
                    for index, name in enumerate(CHANNELS)])

    step_layout(spec, text, visual, numbers)


def filter_step(spec: LessonSpec, lesson: FirstLayerLesson) -> None:
    text = first_steps.filter_text(lesson)
    worked = lesson.worked

    def visual() -> None:
        tables = [grid_html(worked.window[..., index], f"patch, {name}", decimals=3) for index, name in
                  enumerate(CHANNELS)]
        tables += [grid_html(worked.kernel[..., index], f"filter {shown_number(lesson.channel)}, {name} weights",
                             decimals=3)
                   for index, name in enumerate(CHANNELS)]
        show_grids(tables)
        sums = " + ".join(f"{name} {format_number(total)}" for name, total in zip(CHANNELS, worked.channel_sums))
        st.markdown(f'<div class="lesson-code">products per colour: {sums} = {format_number(worked.weighted_sum)}'
                    f'</div>', unsafe_allow_html=True)

    def numbers() -> None:
        worked_col, model_col = st.columns(2)
        worked_col.metric("Worked out (sum + bias)" if worked.bias else "Worked out (the sum; no bias)",
                          format_number(worked.pre_activation))
        model_col.metric("The model's layer output", format_number(worked.model_value))

    step_layout(spec, text, visual, numbers)


def _region_grids(lesson: FirstLayerLesson, hot: list[tuple[int, int]]) -> list[str]:
    before = lesson.region(lesson.pre_map)
    after = lesson.region(lesson.post_map)
    decimals = lesson.region_decimals
    return [grid_html(before, f"filter {shown_number(lesson.channel)}'s map before ReLU", hot=hot, decimals=decimals),
            grid_html(after, "after ReLU (the model's own map)", hot=hot, decimals=decimals)]


def relu_step(spec: LessonSpec, lesson: FirstLayerLesson) -> None:
    text = first_steps.relu_text(lesson)
    region = lesson.region(lesson.pre_map)

    def visual() -> None:
        show_grids(_region_grids(lesson, []))
        st.caption(f"A {REGION_SIDE}×{REGION_SIDE} patch from the middle of the "
                   f"{lesson.pre_map.shape[0]}×{lesson.pre_map.shape[1]} map ({lesson.region_decimals} decimals).")

    def numbers() -> None:
        negatives = int((region < 0).sum())
        st.metric("Negatives that become 0", f"{negatives} of {region.size}")

    step_layout(spec, text, visual, numbers)


def pool_step(spec: LessonSpec, lesson: FirstLayerLesson) -> None:
    text = first_steps.pool_text(lesson)
    row, col = lesson.pool_window_position
    top, left = row - lesson.region_top, col - lesson.region_left
    window = first_steps.pool_window(lesson)

    def visual() -> None:
        hot = [(top + r, left + c) for r in range(2) for c in range(2)]
        show_grids([grid_html(lesson.region(lesson.post_map), "after ReLU: the 2×2 window", hot=hot,
                              decimals=lesson.region_decimals)])

    def numbers() -> None:
        decimals = max(lesson.region_decimals, 4)  # the check against the model deserves its four decimals
        kept, model = st.columns(2)
        kept.metric("Max pooling keeps", format_number(float(np.max(window)), decimals))
        if lesson.pooling is not None:
            model.metric(f"The model's {lesson.pool_layer} output", format_number(lesson.pooling.model_value, decimals))

    step_layout(spec, text, visual, numbers)
