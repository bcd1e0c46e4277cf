"""The app's one stylesheet: every rule only for touch screens or phones, so a desktop looks as Streamlit draws it."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from ui.components import style


def _top_level(css: str) -> list[str]:
    """The stylesheet's top-level blocks, each as its text from selector to closing brace."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    blocks, depth, start = [], 0, 0
    for index, character in enumerate(css):
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0:
                blocks.append(css[start:index + 1].strip())
                start = index + 1
    assert depth == 0, "unbalanced braces"
    return blocks


def test_every_rule_sits_in_a_touch_or_phone_media_query_but_the_two_for_reading_and_focus():
    body = style.STYLE.strip().removeprefix("<style>").removesuffix("</style>")
    blocks = _top_level(body)
    *everywhere, touch, phone = blocks
    assert [touch.split("{")[0].strip(), phone.split("{")[0].strip()] == [
        "@media (hover: none), (pointer: coarse)", f"@media (max-width: {style.PHONE_WIDTH}px)"]
    # The two rules a desktop sees change only how dark a caption is and the focus ring, never the layout.
    declarations = [block.split("{", 1)[1].rstrip("}").strip() for block in everywhere]
    assert declarations == [f"opacity: {style.CAPTION_OPACITY};",
                            f"outline: 2px solid {style.FOCUS_RING} !important; outline-offset: 2px;"]
    assert ":focus-visible" in everywhere[1] and "stCaptionContainer" in everywhere[0]


def test_touch_targets_and_the_steppers_are_covered():
    assert f"min-width: {style.TOUCH_TARGET}px; min-height: {style.TOUCH_TARGET}px;" in style.STYLE
    assert 'input[type="range"]' in style.STYLE  # the slider thumb's larger hit area
    for name in style.STEPPERS:
        assert f".st-key-{name}_controls" in style.STYLE and f".st-key-{name}_grids" in style.STYLE


def _page() -> None:
    import streamlit as st

    from ui.components.style import apply_style

    apply_style()
    st.markdown("content")


def test_applying_the_style_adds_no_element_to_the_page():
    app = AppTest.from_function(_page, default_timeout=30)
    app.run()
    assert not app.exception
    assert [element.type for element in app.main.children.values()] == ["markdown"]  # style-only HTML: no element
