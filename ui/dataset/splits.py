""""Why split, why shuffle": the folder's split, or the one the split command would write."""

from __future__ import annotations

import streamlit as st

from core.data.listing import DatasetListing
from core.data.overview import split_preview
from core.figures import dataset as dataset_figures
from ui.components.charts import show_chart

WHY_SHUFFLE = (
    "- **Shuffle**: the files arrive sorted (all cats, then all dogs). Training on them in that order would "
    "teach the network “everything is a cat” for a while, then “everything is a dog”. Shuffling mixes "
    "the classes in every batch, and a new order each epoch keeps it from learning the order.\n"
    "- **No photo in two splits**: a photo seen in training and again in the test would be recognised, "
    "not classified, and the test score would flatter the model. Exact and near-exact duplicates are "
    "therefore kept once."
)


def show_splits(listing: DatasetListing, on_server: bool) -> None:
    """The split and why; ``on_server`` False for an upload the split command cannot read."""
    st.header("Why split, why shuffle")
    preview = split_preview(listing, saved=on_server)
    if preview.planned:
        st.info(preview.planned_sentence)
    show_chart(dataset_figures.split_share_figure(preview.counts), key="split_chart")
    for line in preview.purpose_lines():
        st.markdown(f"- {line}")
    st.markdown(WHY_SHUFFLE)
