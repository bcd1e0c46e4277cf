""""What is in it": photos per class and split, counted from the file names."""

from __future__ import annotations

import streamlit as st

from core.arithmetic.numbers import format_count
from core.data.listing import DatasetListing
from core.data.overview import ListingSummary
from core.figures import dataset as dataset_figures
from ui.components.charts import show_chart


def show_contents(listing: DatasetListing) -> None:
    summary = ListingSummary(listing)
    st.header("What is in it")
    totals = listing.class_totals()
    columns = st.columns(2 + len(totals))
    columns[0].metric("Photos", format_count(summary.photo_count))
    columns[1].metric("Classes", len(listing.class_names))
    for column, (name, total) in zip(columns[2:], totals.items()):
        column.metric(name, format_count(total))
    st.caption(summary.counted_sentence)
    if not summary.has_enough_classes:
        st.warning("Training needs at least two classes (two subfolders with photos).")
    show_chart(dataset_figures.class_balance_figure(listing.counts()), key="balance_chart")
    balance = summary.balance
    if balance.is_unbalanced:
        st.warning(balance.sentence)
    elif balance.sentence:
        st.caption(balance.sentence)
    for sentence in (summary.other_files_sentence, summary.stray_files_sentence):
        if sentence:
            st.caption(sentence)
