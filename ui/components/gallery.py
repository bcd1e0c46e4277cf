"""Rows of small photos with captions (wrong answers, dataset samples, held-out photos)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

#: Photos per row: six stay readable on a projector and wrap to two a row on a phone.
PER_ROW = 6


@dataclass(frozen=True)
class GalleryItem:
    pixels: np.ndarray | None  # None: the file could not be opened
    caption: str


def photo_alt(item: GalleryItem) -> str:
    """What a screen reader says for a gallery photo: its caption (the class or what was done to it) and its size."""
    height, width = item.pixels.shape[:2]
    return f"Photo: {item.caption} ({width}×{height} pixels)"


def gallery(items: Sequence[GalleryItem], per_row: int = PER_ROW, width: int | None = None) -> None:
    """Show ``items`` in rows of ``per_row``; a new row of columns every ``per_row`` keeps rows aligned."""
    columns = None
    for index, item in enumerate(items):
        if index % per_row == 0:
            columns = st.columns(per_row)
        with columns[index % per_row]:
            if item.pixels is None:
                st.caption(f"{item.caption} (cannot be opened)")
            elif width is None:
                st.image(item.pixels, caption=item.caption, alt=photo_alt(item))
            else:
                st.image(item.pixels, caption=item.caption, width=width, alt=photo_alt(item))
