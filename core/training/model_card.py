"""The model card a training run writes as ``model.json``: what was trained, on what, how, and how well.

:func:`model_card` only arranges what the run measured; it trains and reads
nothing, so the card's wording can be checked without training a model.
"""

from __future__ import annotations

from pathlib import Path

from core.models import architectures
from core.models.fine_tuned import MOBILENET_BLOCKS
from core.models.folder import now_text
from core.models.weights import MOBILENET_WEIGHTS_FILE
from core.training.devices import describe_machine
from core.training.fine_tune import AUGMENTATION_TEXT
from core.training.settings import TrainingConfig

#: (description, licence) of the data sets the app ships models for, by folder name.
DATASET_NOTES = {
    "cats_dogs": (
        "10,000 cat and dog photos from the Kaggle Dogs vs. Cats set (Microsoft Asirra / Petfinder), "
        "cleaned and split 80/10/10",
        "Research and non-commercial use only; copyright stays with the photographers.",
    ),
}

#: What the head-only transfer run (``--cache-features``) trains on.
CACHED_AUGMENTATION_TEXT = "horizontal flip (features of each photo and its mirror image, cached)"


def fine_tuning_text(blocks: int, learning_rate: float) -> str:
    """Which of MobileNet's layers fine-tuning trained, from what and how, for the card's ``base.fine_tuning``."""
    first = MOBILENET_BLOCKS - blocks + 1
    return (f"the depthwise and pointwise convolutions of blocks {first}-{MOBILENET_BLOCKS} of {MOBILENET_BLOCKS} "
            f"(conv_dw_{first} to conv_pw_{MOBILENET_BLOCKS}) trained on from ImageNet's weights with Adam at "
            f"{learning_rate:g} (cosine decay); their batch norms and blocks 1-{first - 1} keep ImageNet's weights")


def model_card(config: TrainingConfig, *, counts: dict[str, dict[str, int]], history: dict[str, list[float]],
               metrics: dict, parameters: dict[str, int], training_seconds: float,
               tuned_layers: list[str] = (), fine_tuned_parameters: int = 0) -> dict:
    """The card of a finished run.

    ``counts`` holds each split's photos per class, ``history`` the epochs'
    logs (over resumed runs too), ``metrics`` what was measured on the test
    split, ``parameters`` the model's parameter counts and
    ``training_seconds`` how long training took. ``tuned_layers`` names the
    layers fine-tuning trained, ``fine_tuned_parameters`` their numbers.
    """
    validation_losses = history.get("val_loss", [])
    best_epoch = validation_losses.index(min(validation_losses)) + 1 if validation_losses else None
    description, licence = DATASET_NOTES.get(Path(config.data).resolve().name,
                                             (f"Photos from {config.data}", "Unknown"))
    card = {
        "name": config.name,
        "architecture": config.arch,
        "kind": "transfer" if config.arch == "transfer" else "keras",
        "input_size": [config.size, config.size],
        "class_names": metrics.get("class_names"),
        **parameters,
        "trained_at": now_text(),
        "machine": describe_machine(),
        "epochs_requested": config.epochs,
        "batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "seed": config.seed,
        "augmentation": config.augmentation,
        "test_accuracy": metrics.get("accuracy"),
        "dataset": description,
        "dataset_licence": licence,
        "dataset_counts": counts,
        "training_seconds": round(training_seconds, 1),
        "epochs_run": len(validation_losses),
        "best_epoch": best_epoch,
        "stopped_early": len(validation_losses) < config.epochs,
        "stopped_by_hand": config.finalize,
        "validation_accuracy": float(history["val_accuracy"][best_epoch - 1]) if best_epoch else None,
        **config.extra,
    }
    if config.arch != "transfer":
        return card
    card["base"] = {"application": "MobileNet", "alpha": architectures.MOBILENET_ALPHA, "weights": "imagenet",
                    "weights_file": MOBILENET_WEIGHTS_FILE, "trainable": False}
    if config.cache_features:
        card["augmentation"] = CACHED_AUGMENTATION_TEXT
    if tuned_layers:
        blocks = config.fine_tune_blocks
        card["title"] = f"Transfer: MobileNet, top {blocks} blocks fine-tuned, + trained head"
        card["augmentation"] = AUGMENTATION_TEXT
        card["base"].update({
            "fine_tuned_blocks": blocks,
            "fine_tuned_layers": list(tuned_layers),
            "fine_tuned_parameters": fine_tuned_parameters,
            "fine_tuning": fine_tuning_text(blocks, config.learning_rate),
            "started_from": str(config.start_from) if config.start_from else None,
        })
    return card
