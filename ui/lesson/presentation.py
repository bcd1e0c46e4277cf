"""Presentation mode: hide the sidebar and the app's chrome, and enlarge the lesson for a projector.

Every rule is scoped: chrome is hidden only while presenting, and the sizes
apply to the lesson's own containers (``.st-key-lesson_*``), never to other pages.
"""

from __future__ import annotations

import streamlit as st

#: Rules that apply on every screen: the number grids, and phones (no horizontal scrolling).
LESSON_CSS = """
<style>
.lesson-grid { border-collapse: collapse; margin: 0.2rem 0 0.4rem 0; font-variant-numeric: tabular-nums; }
.lesson-grid td { border: 1px solid rgba(128,128,128,0.45); padding: 0.15rem 0.4rem; text-align: right;
  min-width: 2.6rem; font-size: 0.95rem; }
.lesson-grid caption { caption-side: top; text-align: left; font-size: 0.85rem; opacity: 0.8; }
.lesson-grid td.neg { background: rgba(213, 94, 0, 0.22); }
.lesson-grid td.pos { background: rgba(0, 114, 178, 0.18); }
.lesson-grid td.zero { color: #8a8a8a; }
.lesson-grid td.hot { outline: 3px solid #E69F00; outline-offset: -3px; font-weight: 700; }
.lesson-grids { display: flex; flex-wrap: wrap; gap: 0.6rem; max-width: 100%; overflow-x: auto; }
.lesson-code { font-family: monospace; font-size: 0.95rem; overflow-wrap: anywhere; margin-bottom: 0.5rem; }
.lesson-big { font-size: 2rem; font-weight: 700; line-height: 1.2; }
@media (max-width: 640px) {
  .lesson-grid td { min-width: 2rem; padding: 0.1rem 0.2rem; font-size: 0.8rem; }
}
</style>
"""

#: Only while presenting: no sidebar, header or toolbar; larger text; a step fills one 1280×720 screen.
PRESENTING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stExpandSidebarButton"] {
  display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2rem 0.4rem 2rem !important; max-width: 100% !important; }
/* Everything a student reads is at least 20 px (1.25rem) from the back of the room; larger text stays larger. */
.st-key-lesson_step :is(p, li, td, caption, label, span, small, a, code, .lesson-code) {
  font-size: max(1.25rem, 1em) !important; line-height: 1.3; }
.st-key-lesson_step [data-testid="stMetricValue"], .st-key-lesson_step [data-testid="stMetricValue"] * {
  font-size: 2.4rem !important; line-height: 1.15; }
.st-key-lesson_step .lesson-grid td { padding: 0 0.4rem; line-height: 1.25; }
.st-key-lesson_step .lesson-grids { gap: 0.3rem 0.6rem; }
.st-key-lesson_step .lesson-big { font-size: 2.4rem; }
.st-key-lesson_step h2 { font-size: 2rem !important; padding: 0 !important; }
.st-key-lesson_step [data-testid="stVerticalBlock"] { gap: 0.4rem; }
.st-key-lesson_step [data-testid="stAlert"] > div { padding: 0.5rem 0.8rem; }
/* Long captions beside it must not squeeze the QR code below the 160 px a phone reads from the back. */
[data-testid="stColumn"]:has(> div > .st-key-lesson_side), [data-testid="stColumn"]:has(.st-key-lesson_side) {
  min-width: 176px !important; flex-shrink: 0 !important; }
/* The "Try it" link wraps in its narrow column instead of being cut off ("Try it: Convoluti"). */
.st-key-lesson_step [data-testid="stPageLink"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
/* The keys' hints on the step bar are for the teacher, who knows them from the toggle's help. */
.st-key-lesson_step [data-testid="stMainBlockContainer"] kbd, .st-key-lesson_step button kbd { display: none; }
</style>
"""

#: The PageUp / PageDown buttons only exist for their keyboard shortcuts (presentation clickers send these keys).
CLICKER_CSS = """
<style>
.st-key-lesson_keys { display: none !important; }
.st-key-lesson_page_up, .st-key-lesson_page_down { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden !important; opacity: 0 !important; pointer-events: none; }
</style>
"""


#: The step keys work whatever has focus: a radio button the teacher just clicked would otherwise take the
#: arrows (and Streamlit ignores shortcuts while an input has focus). Only typing fields keep their keys.
#: Installed once per browser tab; it does nothing on pages without the lesson's buttons.
STEP_KEYS_SCRIPT = """
<script>
if (!window.lessonStepKeys) {
  window.lessonStepKeys = true;
  const moves = {ArrowRight: "lesson_next", PageDown: "lesson_next", ArrowLeft: "lesson_previous",
                 PageUp: "lesson_previous"};
  const keepsKeys = (field) => field && (field.isContentEditable || ["TEXTAREA", "SELECT"].includes(field.tagName)
    || (field.tagName === "INPUT" && !["radio", "checkbox", "button", "submit"].includes(field.type)));
  window.addEventListener("keydown", (event) => {
    const button = moves[event.key] && document.querySelector(`.st-key-${moves[event.key]} button`);
    if (!button || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || keepsKeys(event.target)) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    if (!button.disabled) button.click();
  }, true);
}
</script>
"""


def apply(presenting: bool) -> None:
    """Add the lesson's styles, the presentation rules when ``presenting``, and the step keys."""
    st.html(LESSON_CSS + CLICKER_CSS + (PRESENTING_CSS if presenting else ""))
    with st.container(key="lesson_keys"):  # hidden by CLICKER_CSS: a script takes no room
        st.html(STEP_KEYS_SCRIPT, unsafe_allow_javascript=True)
