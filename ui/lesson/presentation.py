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
.st-key-lesson_step p, .st-key-lesson_step li { font-size: 1.15rem !important; line-height: 1.3; }
.st-key-lesson_step [data-testid="stMetricValue"], .st-key-lesson_step [data-testid="stMetricValue"] * {
  font-size: 2.4rem !important; line-height: 1.15; }
.st-key-lesson_step [data-testid="stCaptionContainer"] p { font-size: 0.85rem !important; }
.st-key-lesson_step [data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
.st-key-lesson_step .lesson-grid td { font-size: 1.2rem; padding: 0.1rem 0.45rem; }
.st-key-lesson_step .lesson-big { font-size: 2.4rem; }
.st-key-lesson_step h2 { font-size: 2rem !important; padding: 0 !important; }
.st-key-lesson_step [data-testid="stVerticalBlock"] { gap: 0.5rem; }
.st-key-lesson_check [role="radiogroup"] label p { font-size: 1.25rem !important; }
</style>
"""

#: The PageUp / PageDown buttons only exist for their keyboard shortcuts (presentation clickers send these keys).
CLICKER_CSS = """
<style>
.st-key-lesson_page_up, .st-key-lesson_page_down { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden !important; opacity: 0 !important; pointer-events: none; }
</style>
"""


def apply(presenting: bool) -> None:
    """Add the lesson's styles, and the presentation rules when ``presenting``."""
    st.html(LESSON_CSS + CLICKER_CSS + (PRESENTING_CSS if presenting else ""))
