"""Keeping what live training made: the model file, its history as JSON or CSV, and a model folder the app lists."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import keras

from core.models import architectures
from core.models.folder import now_text, parameter_counts, write_model_folder
from core.training.live.trainer import LiveResult


def model_to_keras_bytes(model: keras.Model) -> bytes:
    """The model as the bytes of a ``.keras`` file (written to a private temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="cnn-classroom-") as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def history_to_json(history: Mapping[str, Sequence[float]]) -> str:
    return json.dumps({key: [float(value) for value in values] for key, values in history.items()}, indent=1)


def history_to_csv(history: Mapping[str, Sequence[float]]) -> str:
    """One row per epoch: epoch, then every logged quantity."""
    keys = [key for key in ("loss", "accuracy", "val_loss", "val_accuracy", "seconds") if key in history]
    keys += sorted(key for key in history if key not in keys)
    epochs = max((len(values) for values in history.values()), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for epoch in range(epochs):
        writer.writerow([epoch + 1, *(f"{history[key][epoch]:.6g}" if epoch < len(history[key]) else ""
                                      for key in keys)])
    return buffer.getvalue()


#: Names that belong to shipped models and can never be used for a live one.
RESERVED_NAMES = frozenset(architectures.ARCHITECTURES) | {"models", "live"}

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def save_live_model(result: LiveResult, name: str, models_dir: str | Path) -> Path:
    """Write ``models_dir/<name>/`` in the registry's format, only when the learner asks.

    Refuses a reserved name and any existing folder that is not itself a
    live-trained model, so a shipped model is never replaced.
    """
    if not NAME_PATTERN.match(name):
        raise ValueError("Use 1 to 40 lowercase letters, digits, '-' or '_' for the name, starting with a "
                         "letter or digit.")
    if name in RESERVED_NAMES:
        raise ValueError(f"{name!r} is the name of a shipped model; choose another one.")
    models_dir = Path(models_dir)
    final = models_dir / name
    if final.exists():
        card_path = final / "model.json"
        card = json.loads(card_path.read_text()) if card_path.is_file() else {}
        if not card.get("live"):
            raise ValueError(f"models/{name} already holds a model that was not trained on this page; "
                             "choose another name.")
    metrics = result.evaluation.as_dict() if result.evaluation is not None else {}
    metrics["evaluated_on"] = "photos held out from the live training"
    card = {
        "name": name,
        "title": (f"Live-trained transfer model ({name})" if result.config.is_transfer
                  else f"Live-trained {result.config.architecture} CNN ({name})"),
        "architecture": result.config.architecture,
        "kind": "keras",
        "live": True,
        "input_size": [result.config.image_size, result.config.image_size],
        "class_names": list(result.class_names),
        **parameter_counts(result.model),
        "trained_at": now_text(),
        "epochs_requested": result.config.epochs,
        "epochs_run": result.epochs_run,
        "stopped_early": result.stopped_by_user,
        "training_seconds": round(result.training_seconds, 1),
        "batch_size": result.config.batch_size,
        "learning_rate": result.config.learning_rate,
        "augmentation": "live" if result.config.augmentation else "none",
        "dropout": result.config.dropout,
        "dataset_counts": {"train": result.train_counts, "held_out": result.holdout.counts()},
        "test_accuracy": metrics.get("accuracy"),
    }
    history = {key: [float(value) for value in values] for key, values in result.history.items()}
    write_model_folder(final, result.model, card, history, metrics)
    return final
