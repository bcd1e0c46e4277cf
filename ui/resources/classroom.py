"""Class mode's one store per server process, on the database the server setting names."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import streamlit as st

from core.classroom.board import ConfusionTable
from core.classroom.limits import SWEEP_SECONDS
from core.models import registry
from core.paths import DATA_DIR
from core.prediction.answers import singular
from core.training.report import confusion_summary
from ui import resources

if TYPE_CHECKING:
    from core.classroom.store import ClassStore


@st.cache_resource(show_spinner=False)
def cached_class_store() -> ClassStore:
    """The class tables (thread-safe: one database session per call); expired classes are deleted on start."""
    # Imported here: SQLAlchemy is loaded by the first class, not before every page's title.
    from core.classroom.database import database_url, open_database
    from core.classroom.store import ClassStore

    return ClassStore(open_database(database_url()), sweep_every=SWEEP_SECONDS)


def sweep_once_started() -> None:
    """After a server's first page is drawn: open the store if it holds classes, which deletes expired ones
    (and starts the hourly sweeps). A server that never ran a class opens nothing."""
    from core.classroom.database import DATABASE_URL_ENV, SQLITE_FILE

    if os.environ.get(DATABASE_URL_ENV) or (DATA_DIR / SQLITE_FILE).is_file():
        cached_class_store()


@st.cache_data(show_spinner=False, max_entries=16)
def test_confusion(model_name: str | None) -> ConfusionTable | None:
    """The model's confusion matrix on its test split, for the board to show beside the class's (every 2 s)."""
    from ui.resources.training import model_metrics

    infos = {info.name: info for info in resources.cached_model_list() if info.available}
    info = infos.get(model_name or "") or (infos.get(registry.default_model_name(list(infos.values())))
                                          if infos else None)
    if info is None:
        return None
    try:
        summary = confusion_summary(model_metrics(info))
    except ValueError:
        return None
    names = tuple(singular(name) for name in summary.class_names)
    return ConfusionTable(names, names, summary.counts.tolist())
