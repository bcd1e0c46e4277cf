"""How the app reports a problem with something the learner gave it: one line, never a traceback."""

from __future__ import annotations

import streamlit as st


def file_problem(name: str, message: str) -> None:
    """'**photo.heic**: The file is empty (0 bytes).'"""
    st.error(f"**{name}**: {message}")


def problems(lines: list[str], title: str = "Some settings could not be used") -> None:
    if lines:
        st.warning(f"{title}: " + "; ".join(lines) + ".")
