"""Evaluate: a shipped model's test numbers in sentences, its confusion matrices and the photos it got wrong."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.data.files import default_data_dir
from core.figures import training as figures
from core.models import registry
from core.training import report
from ui.components.charts import show_chart
from ui.components.gallery import GalleryItem, gallery
from ui.resources import training as training_resources
from ui.training.roc import show_roc


def choose_model(evaluated: list[registry.ModelInfo]) -> registry.ModelInfo:
    by_name = {info.name: info for info in evaluated}
    name = st.selectbox("Model to evaluate", list(by_name), format_func=lambda name: by_name[name].title,
                        key="training_eval_model")
    return by_name[name]


def show_confusion(summary: report.ConfusionSummary, name: str) -> None:
    left, right = st.columns(2)
    with left:
        show_chart(figures.confusion_figure(summary.counts, summary.class_names, title="Counts"),
                   key=f"cm_counts_{name}")
    with right:
        show_chart(figures.confusion_figure(summary.normalised, summary.class_names, normalised=True),
                   key=f"cm_norm_{name}")
    st.caption("Rows: what the photo really shows. Columns: what the model said. The diagonal is correct.")


def wrong_photo_items(wrong: list[report.WrongPhoto]) -> list[GalleryItem]:
    items = []
    for photo in wrong:
        pixels = training_resources.thumbnail(photo.path)
        # A file that cannot be opened is named by its path: its caption would describe a photo not shown.
        items.append(GalleryItem(pixels, photo.caption if pixels is not None else photo.file))
    return items


def show_wrong_photos(metrics: dict, test_folder: Path, name: str) -> None:
    st.markdown("#### Photos it got wrong")
    wrong = report.wrong_photos(metrics, test_folder)
    listed = len(metrics.get("wrong") or [])
    note = report.wrong_photos_note(len(wrong), listed, test_folder)
    if not wrong:
        st.caption(note)
        return
    most = report.wrong_photo_slider_max(len(wrong))
    limit = len(wrong) if most is None else st.slider(
        "How many to show", report.PHOTOS_PER_ROW, most, report.FIRST_WRONG_PHOTOS, step=report.PHOTOS_PER_ROW,
        key=f"training_wrong_count_{name}")
    st.caption(note)
    gallery(wrong_photo_items(wrong[:limit]))


def show_evaluation(infos: list[registry.ModelInfo]) -> None:
    evaluated = [info for info in infos if training_resources.model_metrics(info).get("confusion_matrix") is not None]
    if not evaluated:
        st.info("No shipped model has test metrics yet (metrics.json).")
        return
    info = choose_model(evaluated)
    metrics = training_resources.model_metrics(info)
    try:
        summary = report.confusion_summary(metrics)
    except ValueError as error:
        st.error(f"The metrics of {info.name} cannot be read: {error}")
        return
    if metrics.get("evaluated_on"):
        st.caption(f"Evaluated on: {metrics['evaluated_on']}")
    if len(summary.class_names) == 2:
        sentences = report.metric_sentences(metrics)
        for sentence in (sentences.accuracy, sentences.precision, sentences.recall, sentences.f1):
            st.markdown(f"- {sentence}")
    show_confusion(summary, info.name)
    test_folder = default_data_dir() / "test"
    show_wrong_photos(metrics, test_folder, info.name)
    show_roc(info, summary, metrics.get("roc_auc"), test_folder)
