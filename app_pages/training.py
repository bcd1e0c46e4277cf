"""Training: the shipped models' learning curves, their evaluation, and a CNN trained live."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from core.data.files import LabeledFiles, default_data_dir, list_labeled_files, load_arrays
from core.figures import training as figures
from core.imaging.decode import ImageLoadError, decode_image
from core.imaging.photo import UPLOAD_TYPES
from core.imaging.resize import resize_for_model
from core.models import predict, registry
from core.training import live_data, live_export, live_model, live_run, readings, report
from core.training.history import (
    TrainingHistory,
    early_stopping_point,
    history_from_dict,
    read_history,
    read_json_object,
)
from core.training.metrics import roc_auc, roc_curve
from ui import resources
from ui.session import current_photo

RUN_KEY = "training_live_run"
RESULT_KEY = "training_live_result"
ERROR_KEY = "training_live_error"
BYTES_KEY = "training_live_keras_bytes"
SESSION_KEY = "training_session_id"
ROC_KEY = "training_roc_requests"
#: Plotly's toolbar would sit on the subplot titles of the two-panel live chart.
NO_TOOLBAR = {"displayModeBar": False}

st.title("📈 Training: watch a network learn")
st.write(
    "A network learns by looking at the training photos again and again (each pass is an **epoch**) and "
    "nudging its weights to lower the **loss**. The **validation** photos are never used to change the "
    "weights: they show whether what it learned works on photos it has not seen."
)


# ----------------------------------------------------------------------------
# Cached readers
# ----------------------------------------------------------------------------


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.is_file() else 0.0


@st.cache_data(show_spinner=False, max_entries=64)
def read_history_cached(folder: str, modified: float) -> TrainingHistory | str:
    """The history of one model folder (keyed on the file's time, so a retrained model shows)."""
    try:
        return read_history(Path(folder) / "history.json")
    except ValueError as error:
        return str(error)


@st.cache_data(show_spinner=False, max_entries=64)
def read_metrics_cached(folder: str, modified: float) -> dict:
    return read_json_object(Path(folder) / "metrics.json")


def model_history(info: registry.ModelInfo) -> TrainingHistory | str | None:
    path = info.folder / "history.json"
    if not path.is_file():
        return None
    return read_history_cached(str(info.folder), _mtime(path))


def model_metrics(info: registry.ModelInfo) -> dict:
    return read_metrics_cached(str(info.folder), _mtime(info.folder / "metrics.json"))


@st.cache_data(show_spinner=False, max_entries=256)
def thumbnail(path: str, longest: int = 180) -> np.ndarray | None:
    try:
        decoded = decode_image(Path(path).read_bytes(), draft_size=(longest, longest))
    except (ImageLoadError, OSError):
        return None
    height, width = decoded.pixels.shape[:2]
    scale = longest / max(height, width)
    if scale >= 1:
        return decoded.pixels
    return resize_for_model(decoded.pixels, (max(1, round(height * scale)), max(1, round(width * scale))))


@st.cache_data(show_spinner=False, max_entries=16)
def roc_scores(model_name: str, test_folder: str, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and class-1 probabilities for a class-balanced sample of the test photos."""
    info = registry.get_model_info(model_name)
    files = live_data.subsample_files(list_labeled_files(test_folder, info.class_names), count, seed=0)
    images, labels = load_arrays(files, info.input_size[0])
    model = resources.cached_model(model_name)
    scores = np.concatenate([predict.predict_probabilities(model, images[start:start + 32])[:, 1]
                             for start in range(0, len(images), 32)])
    return labels, scores


@st.cache_data(show_spinner=False, max_entries=32)
def parameter_count_cached(architecture: str, image_size: int, dropout: float) -> int:
    return live_model.count_parameters(architecture, image_size, 2, dropout)


@st.cache_resource
def training_slot() -> live_run.TrainingSlot:
    """One live training at a time for the whole server process."""
    return live_run.TrainingSlot()


# Decoded photos are small arrays, but a class's uploads can be many: keep few, not for ever.
@st.cache_data(show_spinner="Preparing the photos…", max_entries=3, ttl=3600)
def decode_classes_cached(classes: tuple[tuple[str, tuple[tuple[str, bytes], ...]], ...],
                          image_size: int) -> live_data.ImageSet:
    return live_data.decode_class_images({name: list(files) for name, files in classes}, image_size)


@st.cache_data(show_spinner=False, max_entries=3, ttl=3600)
def folder_sample_cached(folder: str, count: int, image_size: int) -> live_data.ImageSet:
    return live_data.load_folder_sample(folder, count, image_size, seed=0)


# ----------------------------------------------------------------------------
# Shipped models: histories, comparison, evaluation
# ----------------------------------------------------------------------------


def describe_card(card: dict) -> str:
    parts = []
    if isinstance(card.get("parameters"), int):
        parts.append(f"{card['parameters']:,} parameters")
    if card.get("epochs_run"):
        requested = card.get("epochs_requested")
        parts.append(f"{card['epochs_run']} epochs" + (f" of {requested} asked" if requested else ""))
    if card.get("batch_size"):
        parts.append(f"batch {card['batch_size']}")
    if card.get("augmentation"):
        parts.append(f"augmentation: {card['augmentation']}")
    if isinstance(card.get("training_seconds"), (int, float)):
        parts.append(f"{report.format_duration(card['training_seconds'])} on {card.get('machine', 'unknown machine')}")
    return " · ".join(parts)


def show_reading(reading: readings.Reading) -> None:
    if reading.is_warning:
        st.warning(reading.sentence, icon=":material/warning:")
    else:
        st.info(reading.sentence, icon=":material/lightbulb:")


def show_histories(infos: list[registry.ModelInfo]) -> None:
    st.write(
        "Solid blue: training photos. Dashed orange: validation photos. The shaded band is the gap between "
        "them; the ★ marks the epoch with the lowest validation loss, whose weights were kept."
    )
    for info in infos:
        history = model_history(info)
        st.subheader(info.title)
        st.caption(describe_card(info.card))
        if history is None:
            st.caption("No history.json in this model's folder.")
            continue
        if isinstance(history, str):
            st.error(f"The history of {info.name} cannot be read: {history}")
            continue
        stop = early_stopping_point(history, info.card)
        left, right = st.columns(2)
        with left:
            st.plotly_chart(figures.history_figure(history, "accuracy", early_stop=stop), key=f"acc_{info.name}")
            show_reading(readings.accuracy_reading(history, len(info.class_names)))
        with right:
            st.plotly_chart(figures.history_figure(history, "loss", early_stop=stop), key=f"loss_{info.name}")
            show_reading(readings.loss_reading(history))


COMPARE_METRICS = {
    "val_accuracy": "validation accuracy",
    "val_loss": "validation loss",
    "accuracy": "training accuracy",
    "loss": "training loss",
}


def show_comparison(infos: list[registry.ModelInfo]) -> None:
    with_history = {info.name: model_history(info) for info in infos}
    with_history = {name: value for name, value in with_history.items() if isinstance(value, TrainingHistory)}
    titles = {info.name: info.title for info in infos}
    chosen = st.multiselect("Models", list(with_history), default=list(with_history),
                            format_func=lambda name: titles[name], key="training_compare_models")
    metric = st.radio("Curve", list(COMPARE_METRICS), format_func=COMPARE_METRICS.get, horizontal=True,
                      key="training_compare_metric")
    if chosen:
        st.plotly_chart(figures.comparison_figure({name: with_history[name] for name in chosen}, metric, titles),
                        key="compare_chart")
    else:
        st.caption("Pick at least one model to draw its curve.")
    rows = [report.comparison_row(info.name, info.title, info.card, model_metrics(info),
                                with_history.get(info.name)).as_dict() for info in infos]
    table = pd.DataFrame(rows)
    shares = ["test accuracy", "precision", "recall", "F1"]
    table[shares] = table[shares].astype(float) * 100  # shown as percentages with one decimal
    percent = st.column_config.NumberColumn(format="%.1f%%")
    st.dataframe(table, hide_index=True, column_config={
        "parameters": st.column_config.NumberColumn(format="localized"),
        **{column: percent for column in shares},
        "ROC AUC": st.column_config.NumberColumn(format="%.3f"),
    }, key="compare_table")
    st.caption("Test numbers come from photos no model saw during training. More parameters or more epochs do "
               "not guarantee a better model: compare the test accuracy with the training time.")


def show_wrong_gallery(wrong: list[report.WrongPhoto], limit: int) -> None:
    for index, photo in enumerate(wrong[:limit]):
        if index % 6 == 0:
            columns = st.columns(6)  # a new row every six photos keeps the rows aligned
        pixels = thumbnail(str(photo.path))
        with columns[index % 6]:
            if pixels is None:
                st.caption(f"{photo.file}: cannot be opened")
                continue
            st.image(pixels, caption=f"really {photo.true_class}, said {photo.predicted_class} "
                                     f"({photo.confidence:.0%} sure)")


def show_evaluation(infos: list[registry.ModelInfo]) -> None:
    evaluated = [info for info in infos if model_metrics(info).get("confusion_matrix") is not None]
    if not evaluated:
        st.info("No shipped model has test metrics yet (metrics.json).")
        return
    by_name = {info.name: info for info in evaluated}
    name = st.selectbox("Model to evaluate", list(by_name), format_func=lambda n: by_name[n].title,
                        key="training_eval_model")
    info = by_name[name]
    metrics = model_metrics(info)
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
    left, right = st.columns(2)
    with left:
        st.plotly_chart(figures.confusion_figure(summary.counts, summary.class_names, title="Counts"),
                        key=f"cm_counts_{name}")
    with right:
        st.plotly_chart(figures.confusion_figure(summary.normalised, summary.class_names, normalised=True),
                        key=f"cm_norm_{name}")
    st.caption("Rows: what the photo really shows. Columns: what the model said. The diagonal is correct.")

    test_folder = default_data_dir() / "test"
    st.markdown("#### Photos it got wrong")
    wrong = report.wrong_photos(metrics, test_folder)
    listed = len(metrics.get("wrong") or [])
    if wrong:
        most = min(60, -(-len(wrong) // 6) * 6)  # whole rows of six
        limit = st.slider("How many to show", 6, most, 12, step=6, key=f"training_wrong_count_{name}") \
            if len(wrong) > 12 else len(wrong)
        st.caption(f"{len(wrong)} mistakes on this machine's test photos, the most confident first.")
        show_wrong_gallery(wrong, limit)
    elif listed:
        st.caption(f"The model got {listed} test photos wrong, but the test photos are not on this machine "
                   f"(looked in {test_folder}).")
    else:
        st.caption("No mistakes are listed in metrics.json.")

    st.markdown("#### ROC curve")
    if metrics.get("roc_auc") is not None:
        st.caption(f"ROC AUC on the whole test set (metrics.json): {metrics['roc_auc']:.3f}. 1.0 means every "
                   "dog scored above every cat; 0.5 is guessing.")
    if len(summary.class_names) != 2:
        st.caption("The ROC curve is drawn for two-class models.")
        return
    if not info.available:
        st.caption(f"The curve needs the model itself, which is unavailable here: {info.reason}")
        return
    if not test_folder.is_dir():
        st.caption(f"The curve needs the test photos, which are not on this machine (looked in {test_folder}).")
        return
    total = int(summary.total) or 1000
    requests = st.session_state.setdefault(ROC_KEY, {})
    count = st.number_input("Test photos to score (more is slower on a CPU)", 20, max(total, 20),
                            min(200, max(total, 20)), step=20, key=f"training_roc_count_{name}")
    if st.button("Draw the ROC curve", key=f"training_roc_button_{name}"):
        requests[name] = int(count)
    if name in requests:
        try:
            with st.spinner(f"Scoring {requests[name]} test photos…"):
                labels, scores = roc_scores(name, str(test_folder), requests[name])
            fpr, tpr = roc_curve(labels, scores)
        except ValueError as error:
            st.error(f"The ROC curve cannot be drawn: {error}")
            return
        positive = summary.class_names[1]
        st.plotly_chart(figures.roc_figure(fpr, tpr, roc_auc(labels, scores), positive,
                                           title=f"ROC curve on {len(labels)} test photos"), key=f"roc_{name}")
        st.caption(f"Each point is one threshold: a photo is called {positive} when its probability is above it. "
                   "Lowering the threshold finds more of them but raises more false alarms.")


# ----------------------------------------------------------------------------
# Live training
# ----------------------------------------------------------------------------


def own_photos(image_size: int) -> live_data.ImageSet | None:
    """Classes from a zip of class folders and/or one uploader per class."""
    st.caption(f"Two or more classes, at least {live_data.MIN_IMAGES_PER_CLASS} photos each. Photos stay in memory "
               "and are never saved on the server.")
    classes: dict[str, list[tuple[str, bytes]]] = {}
    problems: list[str] = []
    archive = st.file_uploader("A zip of class folders (e.g. cats/…, dogs/…)", type=["zip"],
                               key="training_zip_upload")
    if archive is not None:
        try:
            # Unpacked in memory on each run (fast); only the decoded photos are cached.
            zip_classes, zip_problems = live_data.read_zip_of_classes(archive.getvalue())
        except ValueError as error:
            st.error(f"**{archive.name}**: {error}")
        else:
            for name, files in zip_classes.items():
                classes.setdefault(name, []).extend(files)
            problems.extend(zip_problems)
    st.caption("…or add each class's photos here:")
    class_count = st.number_input("Classes", 2, 6, 2, key="training_class_count")
    columns = st.columns(int(class_count))
    for index, column in enumerate(columns):
        with column:
            name = st.text_input("Class name", f"class {index + 1}", key=f"training_class_name_{index}").strip()
            uploads = st.file_uploader(f"Photos of {name or 'this class'}", type=UPLOAD_TYPES,
                                       accept_multiple_files=True, key=f"training_class_upload_{index}")
            if uploads:
                if not name:
                    st.error("Give this class a name.")
                    continue
                classes.setdefault(name, []).extend((upload.name, upload.getvalue()) for upload in uploads)
    if not classes:
        st.info("Add photos to start: a zip of class folders, or several photos per class above.")
        return None
    frozen = tuple(sorted((name, tuple(files)) for name, files in classes.items()))
    data = decode_classes_cached(frozen, image_size)
    problems.extend(data.problems)
    if problems:
        with st.expander(f"{len(problems)} file(s) skipped", expanded=len(problems) <= 5, icon=":material/warning:"):
            for problem in problems:
                st.write(f"- {problem}")
    return data


@st.cache_data(show_spinner=False, max_entries=4)
def folder_files_cached(folder: str) -> LabeledFiles:
    return list_labeled_files(folder)


def choose_data(image_size: int) -> tuple[dict[str, int], Callable[[], live_data.ImageSet]] | None:
    """Class counts to check now, and how to get the photos once Start is pressed."""
    folder = live_data.training_folder(default_data_dir())
    sources = (["cats and dogs"] if folder is not None else []) + ["your own photos"]
    source = st.radio("Photos to train on", sources, horizontal=True, key="training_source")
    if source == "cats and dogs":
        files = folder_files_cached(str(folder))
        count = st.slider("How many photos", 20, min(2000, len(files)), min(200, len(files)), step=10,
                          key="training_sample_size",
                          help="A class-balanced random sample. A few hundred train in seconds per epoch.")
        sample = live_data.subsample_files(files, int(count), seed=0)
        # Decoding waits for Start: opening the page should not read hundreds of photos.
        return sample.counts(), lambda: folder_sample_cached(str(folder), int(count), image_size)
    data = own_photos(image_size)
    if data is None:
        return None
    return data.counts(), lambda: data


def choose_config() -> live_model.LiveConfig:
    first, second, third = st.columns(3)
    with first:
        architecture = st.radio(
            "Network", live_model.ARCHITECTURE_CHOICES, horizontal=True, key="training_architecture", index=1,
            format_func={"tiny": "tiny (2 conv layers)", "small": "small (3 conv layers)"}.get)
        image_size = st.select_slider("Image size (pixels)", live_model.IMAGE_SIZES, 64, key="training_image_size")
        dropout = st.slider("Dropout", 0.0, 0.6, 0.25, 0.05, key="training_dropout",
                            disabled=architecture == "tiny",
                            help="Share of features switched off at random during training (small network only).")
    with second:
        epochs = st.slider("Epochs", 1, 30, 8, key="training_epochs")
        batch_size = st.select_slider("Batch size", live_model.BATCH_SIZES, 16, key="training_batch_size")
        learning_rate = st.select_slider("Learning rate", live_model.LEARNING_RATES, 1e-3, format_func=lambda v: f"{v:g}",
                                         key="training_learning_rate")
    with third:
        augmentation = st.toggle("Augmentation (flips, small turns and zooms)", False, key="training_augmentation")
        holdout = st.slider("Held out for validation (%)", 10, 40, 20, 5, format="%d%%", key="training_holdout",
                            help="This share of each class is never trained on: it draws the validation "
                                 "curves and evaluates the model afterwards.")
    return live_model.LiveConfig(architecture=architecture, image_size=int(image_size), epochs=int(epochs),
                           batch_size=int(batch_size), learning_rate=float(learning_rate),
                           augmentation=bool(augmentation), dropout=0.0 if architecture == "tiny" else float(dropout),
                           holdout_fraction=holdout / 100)


def format_seconds(seconds: float | None) -> str:
    return "…" if seconds is None else report.format_duration(seconds) or "0 s"


def progress_panel(run: live_run.LiveRun) -> None:
    """Redrawn every second while the training runs (a fragment)."""
    if run.done:
        st.rerun()  # the full page collects the result
    snapshot = run.snapshot()
    if snapshot.state == "starting":
        label = "Building the network…"
    elif snapshot.epochs_done == 0 and snapshot.batch == 0:
        label = "Preparing the first batch (TensorFlow turns the network into a computation graph once)…"
    else:
        epoch = min(snapshot.epochs_done + 1, snapshot.total_epochs)
        label = (f"Epoch {epoch} of {snapshot.total_epochs}, batch {snapshot.batch} of {snapshot.batches_per_epoch}"
                 if snapshot.batch else f"Epoch {epoch} of {snapshot.total_epochs} starting")
    if run.stop_event.is_set():
        label += " — stopping after this batch…"
    st.progress(snapshot.fraction, text=label)
    first, second, third = st.columns(3)
    first.metric("Epochs done", f"{snapshot.epochs_done} / {snapshot.total_epochs}")
    second.metric("Elapsed", format_seconds(snapshot.elapsed_seconds))
    third.metric("Remaining (estimate)", format_seconds(snapshot.remaining_seconds))
    st.button("Stop training", icon=":material/stop:", on_click=run.stop, disabled=run.stop_event.is_set(),
              key="training_stop",
              help="Ends after the current batch and keeps what the network has learned so far.")
    st.plotly_chart(figures.live_figure(snapshot.history, snapshot.total_epochs), key="live_progress_chart",
                    config=NO_TOOLBAR)


def collect_finished_run() -> None:
    """Move a finished run's result into the session and let the run go."""
    run: live_run.LiveRun | None = st.session_state.get(RUN_KEY)
    if run is None or not run.done:
        return
    del st.session_state[RUN_KEY]
    if run.result is not None:
        st.session_state[RESULT_KEY] = run.result
        st.session_state.pop(ERROR_KEY, None)
    else:
        st.session_state[ERROR_KEY] = run.error or "the training ended without a result"


def start_training(config: live_model.LiveConfig, data: live_data.ImageSet) -> None:
    session_id = st.session_state.setdefault(SESSION_KEY, uuid.uuid4().hex[:8])
    slot = training_slot()
    try:
        run = slot.start(config, data, owner=session_id)
    except ValueError as error:
        st.error(str(error))
        return
    if run is None:
        busy_message(slot)  # the previous result stays
        return
    st.session_state[RUN_KEY] = run
    # Let go of the previous model while the new one trains.
    for key in (RESULT_KEY, BYTES_KEY, ERROR_KEY):
        st.session_state.pop(key, None)
    gc.collect()


def busy_message(slot: live_run.TrainingSlot) -> None:
    current = slot.current
    detail = ""
    if current is not None:
        snapshot = current.snapshot()
        detail = f" (epoch {min(snapshot.epochs_done + 1, snapshot.total_epochs)} of {snapshot.total_epochs})"
    st.warning(f"Someone else is training a network on this server right now{detail}. One training runs at a "
               "time so that the app stays quick for everyone: try again when it has finished.",
               icon=":material/hourglass_top:")


def keras_bytes(result: live_run.LiveResult) -> bytes:
    stored = st.session_state.get(BYTES_KEY)
    if stored is None or stored[0] is not result:
        stored = (result, live_export.model_to_keras_bytes(result.model))
        st.session_state[BYTES_KEY] = stored
    return stored[1]


def try_photo(result: live_run.LiveResult) -> None:
    st.markdown("#### Try it on a photo")
    upload = st.file_uploader("A photo to classify", type=UPLOAD_TYPES, key="training_try_upload")
    if upload is not None:
        try:
            pixels = decode_image(upload.getvalue()).pixels
            name = upload.name
        except ImageLoadError as error:
            st.error(f"**{upload.name}**: {error}")
            return
    else:
        photo = current_photo()
        pixels, name = photo.pixels, photo.name
        st.caption(f"No photo uploaded: using {name}, the photo chosen elsewhere in the app.")
    size = result.config.image_size
    small = resize_for_model(pixels, (size, size))
    probabilities = predict.predict_probabilities(result.model, small)[0]
    left, right = st.columns([1, 2])
    left.image(pixels, caption=name, width=220)
    left.image(small, caption=f"what the network sees ({size}×{size})", width=220)
    best = int(np.argmax(probabilities))
    right.markdown(f"The network says **{result.class_names[best]}** ({probabilities[best]:.0%}).")
    right.plotly_chart(figures.probability_figure(result.class_names, probabilities), key="live_try_chart")


def show_result(result: live_run.LiveResult) -> None:
    epochs = result.epochs_run
    how = "You stopped it" if result.stopped_by_user else "It finished"
    partial = " (the last one cut short)" if result.partial_last_epoch else ""
    st.success(f"{how} after {epochs} epoch{'s' if epochs != 1 else ''}{partial} in "
               f"{format_seconds(result.training_seconds)}; the network keeps what it learned.",
               icon=":material/check_circle:")
    st.plotly_chart(figures.live_figure(result.history, max(epochs, 1)), key="live_result_chart", config=NO_TOOLBAR)
    try:
        history = history_from_dict(result.history)
        left, right = st.columns(2)
        with left:
            show_reading(readings.accuracy_reading(history, len(result.class_names)))
        with right:
            show_reading(readings.loss_reading(history))
    except ValueError:
        pass

    evaluation = result.evaluation
    if evaluation is not None:
        st.markdown("#### How well does it do on the held-out photos?")
        counts = ", ".join(f"{count} {name}" for name, count in result.holdout.counts().items())
        st.write(f"Accuracy **{evaluation.accuracy:.0%}** on {len(evaluation.labels)} held-out photos ({counts}), "
                 "which were never used to change the weights.")
        metrics = evaluation.as_dict()
        if len(result.class_names) == 2:
            sentences = report.metric_sentences(metrics, photos="held-out photos")
            for sentence in (sentences.precision, sentences.recall, sentences.f1):
                st.markdown(f"- {sentence}")
        summary = report.confusion_summary(metrics)
        left, right = st.columns(2)
        left.plotly_chart(figures.confusion_figure(summary.counts, summary.class_names, title="Counts"),
                          key="live_cm_counts")
        if len(result.class_names) == 2 and len(set(evaluation.labels.tolist())) == 2:
            fpr, tpr = roc_curve(evaluation.labels, evaluation.probabilities[:, 1])
            right.plotly_chart(figures.roc_figure(fpr, tpr, roc_auc(evaluation.labels, evaluation.probabilities[:, 1]),
                                                  result.class_names[1]), key="live_roc")
        else:
            right.plotly_chart(figures.confusion_figure(summary.normalised, summary.class_names, normalised=True),
                               key="live_cm_norm")
        wrong = evaluation.wrong_indices
        if len(wrong):
            with st.expander(f"The {len(wrong)} held-out photo(s) it got wrong"):
                for position, index in enumerate(wrong[:24]):
                    if position % 6 == 0:
                        columns = st.columns(6)
                    truth = result.class_names[evaluation.labels[index]]
                    said = result.class_names[evaluation.predicted[index]]
                    columns[position % 6].image(result.holdout.images[index], width=110,
                                                caption=f"really {truth}, said {said} "
                                                        f"({evaluation.probabilities[index].max():.0%})")

    try_photo(result)

    st.markdown("#### Take it with you")
    stamp = f"{result.config.architecture}-{result.config.image_size}px"
    first, second, third = st.columns(3)
    first.download_button("Model (.keras)", keras_bytes(result), f"live-{stamp}.keras", "application/octet-stream",
                          on_click="ignore", key="training_download_model")
    second.download_button("History (JSON)", live_export.history_to_json(result.history), f"live-{stamp}-history.json",
                           "application/json", on_click="ignore", key="training_download_json")
    third.download_button("History (CSV)", live_export.history_to_csv(result.history), f"live-{stamp}-history.csv",
                          "text/csv", on_click="ignore", key="training_download_csv")
    st.caption("Load the model later with `keras.saving.load_model('….keras')`. It takes RGB photos of "
               f"{result.config.image_size}×{result.config.image_size} pixels, values 0 to 255.")
    with st.expander("Keep it on this server for the other pages"):
        st.caption("This trained network lives only in your browser session. Saving writes it into the app's "
                   "models/ folder, where every page can use it. Shipped models are never replaced.")
        name = st.text_input("Name", f"live-{stamp}", key="training_save_name")
        if st.button("Save into models/", key="training_save"):
            try:
                folder = live_export.save_live_model(result, name.strip(), registry.MODELS_DIR)
            except (ValueError, OSError) as error:
                st.error(str(error))
            else:
                resources.cached_model_list.clear()
                st.success(f"Saved to models/{folder.name}.")


def show_live_training() -> None:
    st.write(
        "Train a small CNN here and watch the curves move. The photos are split: most train the network, "
        "the rest are held out to check it. On a laptop CPU an epoch on a few hundred small photos takes seconds."
    )
    collect_finished_run()
    run: live_run.LiveRun | None = st.session_state.get(RUN_KEY)
    # Shown in this order, filled in the other: decoding the photos needs the chosen image size.
    photos_box = st.container()
    settings_box = st.container()
    with settings_box:
        st.subheader("2. The network and how it trains")
        config = choose_config()
        try:
            parameters = parameter_count_cached(config.architecture, config.image_size, config.dropout)
            st.caption(f"This network has {parameters:,} weights to learn (for two classes).")
        except ValueError:
            pass
    ready = False
    with photos_box:
        st.subheader("1. The photos")
        choice = choose_data(config.image_size)
        if choice is not None:
            counts, load_data = choice
            st.caption("Photos per class: " + ", ".join(f"{name}: {count}" for name, count in counts.items()))
            try:
                live_data.check_class_counts(counts)
                ready = True
            except ValueError as error:
                st.error(str(error))

    st.subheader("3. Train")
    running = run is not None
    if st.button("Start training", icon=":material/play_arrow:", type="primary", disabled=running or not ready,
                 key="training_start"):
        with st.spinner("Preparing the photos…"):
            data = load_data()
        start_training(config, data)
        run = st.session_state.get(RUN_KEY)
    elif not running:
        slot = training_slot()
        if slot.current is not None:
            busy_message(slot)
    if not ready and not running:
        st.caption("Add photos above to start.")

    if run is not None:
        st.fragment(progress_panel, run_every=1.0)(run)
    if st.session_state.get(ERROR_KEY):
        st.error(f"The training failed: {st.session_state[ERROR_KEY]}")
    result = st.session_state.get(RESULT_KEY)
    if result is not None and run is None:
        show_result(result)


# ----------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------

infos = resources.cached_model_list()
tabs = st.tabs(["Learning curves", "Compare models", "Evaluate", "Train live"])
with tabs[0]:
    if not infos:
        st.info("No shipped models found: train one with `python -m core.training.train --arch classic` "
                "(or all of them with `bash scripts/train_all.sh`). Meanwhile, train a small one live in "
                "the last tab.")
    else:
        show_histories(infos)
with tabs[1]:
    if infos:
        show_comparison(infos)
    else:
        st.info("No shipped models to compare yet.")
with tabs[2]:
    if infos:
        show_evaluation(infos)
    else:
        st.info("No shipped models to evaluate yet.")
with tabs[3]:
    show_live_training()
