"""Writing a model folder atomically: the registry's format, from training and from live training.

A folder is ``model.keras`` (or, for a transfer model, ``head.keras``: only the
trained head, since the ImageNet base is rebuilt from its weight file, and
``fine_tuned.keras`` when the base's top blocks were fine-tuned), ``history.json``,
``metrics.json`` and ``model.json`` (the card). It is written beside its final
place and renamed in, so an interrupted save never leaves a half-written model
where the app would list it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import keras
import numpy as np

from core.models.fine_tuned import FINE_TUNED_FILE, save_fine_tuned


def transfer_parts(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """The (frozen base, trained head) of an assembled transfer model."""
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name != "head")
    head = model.get_layer("head")
    return base, head


def without_optimizer(model: keras.Model) -> keras.Model:
    """An uncompiled copy with the same weights.

    A compiled model's .keras file also stores Adam's two moment estimates per
    weight, tripling its size; the app only needs the weights.
    """
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy


def parameter_counts(model: keras.Model) -> dict[str, int]:
    """The card's ``parameters`` and ``trainable_parameters``."""
    return {
        "parameters": int(model.count_params()),
        "trainable_parameters": int(sum(np.prod(weight.shape) for weight in model.trainable_weights)),
    }


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_model_folder(final: str | Path, model: keras.Model, card: Mapping[str, object],
                       history: Mapping[str, object], metrics: Mapping[str, object], *,
                       head_only: bool = False, fine_tuned_layers: Sequence[str] = ()) -> Path:
    """Write ``final`` (a folder) through a temporary sibling, then swap it in.

    ``head_only`` saves only the transfer model's trained head (``head.keras``),
    plus, when ``fine_tuned_layers`` names some of the base's layers, those
    layers alone (``fine_tuned.keras``).
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".{final.name}.tmp"
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir()
    if head_only:
        _, head = transfer_parts(model)
        without_optimizer(head).save(temporary / "head.keras")
        if fine_tuned_layers:
            base, _ = transfer_parts(model)
            save_fine_tuned(base, fine_tuned_layers, temporary / FINE_TUNED_FILE)
    else:
        without_optimizer(model).save(temporary / "model.keras")
    (temporary / "history.json").write_text(json.dumps(dict(history), indent=1))
    (temporary / "metrics.json").write_text(json.dumps(dict(metrics), indent=1))
    (temporary / "model.json").write_text(json.dumps(dict(card), indent=1))
    backup = final.parent / f".{final.name}.old"
    if backup.exists():
        shutil.rmtree(backup)
    if final.exists():
        final.rename(backup)
    temporary.rename(final)
    if backup.exists():
        shutil.rmtree(backup)
    return final
