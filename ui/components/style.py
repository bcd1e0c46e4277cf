"""THE app's own CSS, in one place: touch targets and a phone layout that Streamlit's widgets lack.

app.py calls :func:`apply_style` once per run, before the page. Apart from two accessibility rules
that apply everywhere (captions dark enough to read, and a visible ring around whatever has the keyboard's
focus), every rule is either inside a media query that only matches touch screens or narrow
windows, or scoped to a keyed container of the lab, so a desktop or a
projector looks as Streamlit draws it. The lesson's phone order
(its ``lesson_setup`` and ``lesson_step`` containers) lives here with the rest of the phone layout.
"""

from __future__ import annotations

import streamlit as st

#: A finger needs about 44 × 44 CSS pixels (Apple's and the W3C's guideline for touch targets).
TOUCH_TARGET = 44

#: Streamlit stacks st.columns below this width; the phone rules use the same breakpoint.
PHONE_WIDTH = 640

#: The ring around the control that has the keyboard's focus: the theme's primary colour (.streamlit/config.toml),
#: 4.9:1 on white and 3.6:1 on Streamlit's dark background, so it shows on both (WCAG 2.4.7, and 1.4.11's 3:1).
FOCUS_RING = "#1a62d4"

#: Streamlit draws st.caption at 60% opacity: 3.9:1 on white, under WCAG AA's 4.5:1 for small text (and its
#: inline code 3.0:1). At 80% a caption still reads as secondary, at 7.2:1 (code 5.3:1).
CAPTION_OPACITY = 0.8

#: The lab's steppers (see ui.components.stepper): their button rows and the step's worked arithmetic.
STEPPERS = ("lab_conv", "lab_pool", "lab_rgb")

STYLE = f"""
<style>
/* Everywhere: captions dark enough to read (WCAG 1.4.3). */
[data-testid="stCaptionContainer"][data-testid] {{ opacity: {CAPTION_OPACITY}; }}
/* Everywhere: the control that has the keyboard's focus wears a solid ring (WCAG 2.4.7). Streamlit's own is a
   faint shadow on some controls and missing on others (menu links, select boxes, number boxes, switches). A
   field's ring goes on its visible box, since the input itself is clipped or hidden inside it. */
[data-testid="stApp"] :is(a, button, summary, textarea, [role="tab"], [role="slider"], [role="option"],
    [tabindex="0"]):focus-visible,
[data-testid="stApp"] :is([data-baseweb="select"] > div, [data-baseweb="input"], [data-baseweb="textarea"],
    [data-testid="stFileUploaderDropzone"]):has(:focus-visible),
[data-testid="stApp"] label:has(input:is([type="checkbox"], [type="radio"]):focus-visible) {{
  outline: 2px solid {FOCUS_RING} !important; outline-offset: 2px;
}}

/* Touch screens: targets a finger can hit, and no table toolbar left covering the text after a tap. */
@media (hover: none), (pointer: coarse) {{
  /* The uploader's "remove this file" × and "add files" + are 14 and 20 px as Streamlit draws them. */
  [data-testid="stFileUploader"] button {{
    min-width: {TOUCH_TARGET}px; min-height: {TOUCH_TARGET}px;
  }}
  /* A slider's thumb (the element around its hidden range input) stays as drawn, about 16 px; an invisible
     square around it makes it {TOUCH_TARGET} px to a finger. */
  [data-testid="stSlider"] div:has(> div > input[type="range"])::after {{
    content: ""; position: absolute; left: 50%; top: 50%; width: {TOUCH_TARGET}px; height: {TOUCH_TARGET}px;
    transform: translate(-50%, -50%);
  }}
  [data-testid="stElementToolbar"] {{ display: none; }}
  [data-testid="stNumberInputStepDown"], [data-testid="stNumberInputStepUp"] {{ min-width: {TOUCH_TARGET}px; }}
  /* Streamlit draws these 22–40 px tall (the sidebar's button 28 × 28, a tab "Red" 23 px wide); each grows to
     a finger's size, its text centred. */
  :is([data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button,
      [data-testid="stSidebarNavLink"], [data-testid="stPageLink-NavLink"],
      [data-testid="stSelectbox"] [role="group"], [data-testid="stButtonGroup"] [role="radiogroup"] button,
      [data-testid="stTab"], [data-testid="stExpander"] summary,
      [data-testid="stMain"] [data-testid^="stBaseButton-"]) {{
    min-width: {TOUCH_TARGET}px; min-height: {TOUCH_TARGET}px;
  }}
  [data-testid="stTab"] {{ justify-content: center; }}
  :is([data-testid="stRadio"] [role="radiogroup"], [data-testid="stCheckbox"]) label {{
    min-width: {TOUCH_TARGET}px; min-height: {TOUCH_TARGET}px; align-items: center;
  }}
  /* A help "?" (and an image's fullscreen icon) keeps its 16–24 px look; an invisible square makes it
     {TOUCH_TARGET} px to a finger, like the slider's thumb. */
  [data-testid="stTooltipHoverTarget"] button {{ position: relative; }}
  [data-testid="stTooltipHoverTarget"] button::after {{
    content: ""; position: absolute; left: 50%; top: 50%; width: {TOUCH_TARGET}px; height: {TOUCH_TARGET}px;
    transform: translate(-50%, -50%);
  }}
  /* A label with a "?" is as tall as that square, so the box below it keeps all of its own height. */
  [data-testid="stWidgetLabel"]:has([data-testid="stTooltipIcon"]) {{
    min-height: {TOUCH_TARGET}px; align-items: center;
  }}
}}

/* Phones: nothing wider than the screen, each stepper next to the arithmetic it changes, and the lesson's step
   on the first screen. */
@media (max-width: {PHONE_WIDTH}px) {{
  /* Streamlit leaves 96 px above a page under its 60 px header and draws a title 44 px high: on a phone that is
     a third of the screen before the first line of content. */
  [data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; }}
  [data-testid="stMain"] h1 {{ font-size: 1.75rem; }}
  /* The lesson: a student who scans the step's QR code lands on the step; the setup (model, photo) follows it.
     The step bar's title comes first, then Previous and Next side by side. */
  [data-testid="stLayoutWrapper"]:has(> .st-key-lesson_setup) {{ order: 1; }}
  .st-key-lesson_step [data-testid="stHorizontalBlock"]:has(.st-key-lesson_previous) {{ flex-wrap: wrap; }}
  .st-key-lesson_step [data-testid="stHorizontalBlock"]:has(.st-key-lesson_previous) > [data-testid="stColumn"] {{
    min-width: 0 !important; flex: 1 1 0 !important;
  }}
  .st-key-lesson_step [data-testid="stHorizontalBlock"]:has(.st-key-lesson_previous)
    > [data-testid="stColumn"]:has(h3) {{
    order: -1; flex-basis: 100% !important;
  }}
  .st-key-lesson_step [data-testid="stHorizontalBlock"]:has(.st-key-lesson_previous)
    > [data-testid="stColumn"]:not(:has(h3, button)) {{ display: none; }}
  [data-testid="stMain"] [data-testid="stPlotlyChart"] {{ max-width: 100%; overflow-x: auto; }}
  [data-testid="stMain"] [data-testid="stDataFrame"] {{ max-width: 100%; }}
  /* Static tables wrap their cells instead of running off the screen. */
  [data-testid="stMain"] [data-testid="stTable"] table {{ width: 100%; }}
  [data-testid="stMain"] [data-testid="stTable"] :is(td, th) {{ padding: 0.25rem; }}
  [data-testid="stMain"] [data-testid="stTable"] :is(td, th, td *, th *) {{
    white-space: normal; overflow-wrap: anywhere;
  }}
{"".join(f'''
  .st-key-{name}_controls [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  .st-key-{name}_controls [data-testid="stColumn"] {{ min-width: 0 !important; flex: 1 1 26% !important; }}
  .st-key-{name}_controls [data-testid="stColumn"]:nth-child(4) {{ flex-basis: 100% !important; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-{name}_grids) {{ order: 2; }}
  .st-key-{name}_worked [data-testid="stColumn"]:has(.st-key-{name}_arithmetic) {{ order: -1; }}'''
          for name in STEPPERS)}
}}
</style>
"""


def apply_style() -> None:
    """Add the app's CSS to this run (a style-only st.html takes no space on the page)."""
    st.html(STYLE)
