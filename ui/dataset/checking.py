""""Sizes, colours and a cleaning report": every photo (or a seeded sample) decoded the app's way."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.arithmetic.numbers import format_count
from core.data import check
from core.data.listing import DatasetListing, Reader
from core.figures import dataset as dataset_figures
from ui.components.charts import show_chart
from ui.resources import dataset as dataset_resources

DEFAULT_SAMPLE = 300

CHANNEL_NOTE = ("The average brightness of each colour and how much it varies. The models divide pixels "
                "by 255 (or map them to −1…1) so the numbers the network sees are small; some pipelines "
                "also subtract these means and divide by these deviations.")


@dataclass(frozen=True)
class CheckSpec:
    per_class: int
    check_all: bool

    @property
    def sample_per_class(self) -> int | None:
        """None: decode every photo."""
        return None if self.check_all else self.per_class


def read_check_controls() -> CheckSpec:
    left, right = st.columns([2, 1])
    check_all = right.checkbox("Check every photo (slow on a big folder)", key="dataset_check_all")
    per_class = left.slider("Photos decoded per class", 20, 2000, DEFAULT_SAMPLE, step=20, key="dataset_sample",
                            disabled=check_all)
    return CheckSpec(int(per_class), bool(check_all))


def show_check(listing: DatasetListing, reader: Reader, source_key: tuple) -> None:
    st.header("Sizes, colours and a cleaning report")
    spec = read_check_controls()
    report = dataset_resources.cached_check_report(source_key, spec.sample_per_class, listing, reader)
    st.caption(report.scope_sentence)
    if report.widths.size:
        show_chart(dataset_figures.image_size_figure(report.widths, report.heights, report.class_indices,
                                                     listing.class_names), key="size_chart")
        st.caption(report.size_sentence)
    if report.pixel_count:
        chart, table = st.columns([3, 2])
        with chart:
            show_chart(dataset_figures.channel_stats_figure(report.channel_mean, report.channel_std),
                       key="channel_chart")
        table.dataframe(report.channel_table(), hide_index=True)
        table.caption(CHANNEL_NOTE)
    show_cleaning(report)


def show_cleaning(report: check.CheckReport) -> None:
    st.subheader("Cleaning report")
    counts = report.counts_by_kind()
    columns = st.columns(len(counts) + 1)
    columns[0].metric("Usable", format_count(report.good_count))
    for column, (kind, count) in zip(columns[1:], counts.items()):
        column.metric(check.ISSUE_LABELS[kind], count)
    if not report.issues:
        st.success("No broken, non-image or duplicate files found.")
        return
    st.dataframe(report.issue_table(), hide_index=True, key="issues_table")
    st.markdown("**What happens to them**")
    for line in report.action_lines():
        st.markdown(f"- {line}")
