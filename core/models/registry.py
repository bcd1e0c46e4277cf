"""The shipped models: list them, read their cards, and load them (running them is core.prediction's).

Each ``models/<name>/`` folder holds ``model.json`` (the model card), the
network (``model.keras``, or ``head.keras`` for a transfer model whose
ImageNet base is rebuilt from its own weight file, with ``fine_tuned.keras``
holding the base's fine-tuned top blocks if it has any), ``history.json`` and
``metrics.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.models import weights as weights_module
from core.models.fine_tuned import FINE_TUNED_FILE
from core.paths import MODELS_DIR
from core.wording.percent import share_percent

if TYPE_CHECKING:
    import keras

#: Environment variable pointing the app at another models folder (tests, experiments).
MODELS_DIR_ENV = "CNN_CLASSROOM_MODELS"


def models_root(models_dir: Path | None = None) -> Path:
    """The models folder in use: the argument, then ``CNN_CLASSROOM_MODELS``, then ``models/``."""
    if models_dir is not None:
        return Path(models_dir)
    return Path(os.environ.get(MODELS_DIR_ENV, MODELS_DIR))


#: Friendly names shown in the app.
TITLES = {
    "transfer": "Transfer: frozen MobileNet + trained head",
    "classic": "Classic 4-block CNN (the tutorial model)",
    "compact": "Compact CNN (batch norm + global pooling)",
    "normalized": "3-block CNN + augmentation + batch norm",
    "augmented": "3-block CNN + flip/rotation augmentation",
    "baseline": "3-block CNN baseline (no augmentation)",
}


@dataclass(frozen=True)
class CalibrationCard:
    """The card's "calibration" entry: the fitted temperature and what it did (written by core.trust.fit)."""

    temperature: float = 1.0  # 1.0: not calibrated, the raw sigmoid/softmax
    fitted_on: int = 0  # photos T was fitted on: validation photos, plus real photos of the fitting half
    ece_before: float | None = None  # test split
    ece_after: float | None = None
    reliability_before: dict = field(default_factory=dict, compare=False)  # test bins, core.prediction.calibration
    reliability_after: dict = field(default_factory=dict, compare=False)
    unsure_rule: dict = field(default_factory=dict, compare=False)  # core.prediction.honest.UnsureRule
    fitted_on_real: int = 0  # of fitted_on, real photos (cats_dogs_photos' fitting half)
    #: The reporting half of the real photos (core.data.real_photos), never fitted on: count, accuracy on each
    #: copy ("colour", "greyscale", ...), ECE before/after and the calibrated reliability bins (the track record).
    real: dict = field(default_factory=dict, compare=False)

    @property
    def fitted(self) -> bool:
        return self.fitted_on > 0


@dataclass(frozen=True)
class NoveltyCard:
    """The card's "novelty" entry: the "neither cat nor dog" score, its threshold and how it did."""

    method: str  # "mahalanobis", "knn" or "knn+outliers" (core.prediction.novelty)
    layer: str  # which features, core.prediction.features
    threshold: float
    file: str = "novelty.npz"  # the fitted statistics, beside model.json
    fitted_on: int = 0  # training photos
    validation_flag_rate: float = 0.0  # share of validation cats/dogs above the threshold
    test_flag_rate: float | None = None  # share of test cats/dogs wrongly flagged
    auroc: dict = field(default_factory=dict, compare=False)  # kind of photo -> AUROC against the test split
    caught: dict = field(default_factory=dict, compare=False)  # kind of photo -> share flagged
    milliseconds_per_photo: float | None = None  # measured cost on top of the prediction
    measured_by: str = ""  # how "caught" and "auroc" were measured (cross-validation for knn+outliers)
    outliers_fitted_on: int = 0  # photos of other things the score was fitted on (knn+outliers only)
    line_set_on: str = ""  # the photos the threshold was set on, in words
    #: The reporting half of the real photos: "count", "auroc" (against the other photos) and "flagged", the share
    #: of each copy ("colour", "greyscale", "rotated", "phone upload") wrongly flagged.
    real: dict = field(default_factory=dict, compare=False)
    #: False when the score cannot tell real cats and dogs from other photos (targets below): no verdict is shown.
    shown: bool = True
    targets: dict = field(default_factory=dict, compare=False)  # "real_auroc_at_least", "real_flagged_at_most"

    @property
    def real_flag_rate(self) -> float | None:
        """The share of the reporting half's real colour photos wrongly flagged, if measured."""
        return (self.real.get("flagged") or {}).get("colour")


def _from_card(kind: type, data: dict | None):
    """A card entry as its dataclass, ignoring keys it does not know (a newer card on older code)."""
    if not data:
        return None
    known = {name: value for name, value in data.items() if name in kind.__dataclass_fields__}
    return kind(**known)


@dataclass(frozen=True)
class ModelInfo:
    """What the app needs to know about one shipped model before loading it."""

    name: str
    title: str
    architecture: str
    kind: str  # "keras" (one .keras file) or "transfer" (base weights + head.keras)
    input_size: tuple[int, int]  # (height, width)
    class_names: tuple[str, ...]
    test_accuracy: float | None
    folder: Path
    available: bool = True
    reason: str = ""  # why it is unavailable
    fix_command: str = ""  # what makes it available
    card: dict = field(default_factory=dict, compare=False, repr=False)
    calibration: CalibrationCard = field(default_factory=CalibrationCard)
    novelty: NoveltyCard | None = None

    @property
    def label(self) -> str:
        accuracy = ("not evaluated" if self.test_accuracy is None
                    else f"{share_percent(self.test_accuracy, 1)} test accuracy")
        suffix = "" if self.available else " (unavailable)"
        return f"{self.title} · {accuracy}{suffix}"


def _weights_status(weights: str | None) -> tuple[bool, str, str]:
    """Can the MobileNet base be built offline right now?"""
    source = weights_module.resolve_mobilenet_weights(weights)
    if source != "imagenet":
        if Path(source).is_file():
            return True, "", ""
        return False, f"The MobileNet weight file {source} does not exist.", ""
    if weights_module.keras_cache_file().is_file():
        return True, "", ""
    return (
        False,
        "The frozen MobileNet base needs its ImageNet weights (2 MB), which are not on this machine.",
        "python -m core.models.registry download-weights   (needs internet), or set "
        f"{weights_module.MOBILENET_WEIGHTS_ENV}=/path/to/{weights_module.MOBILENET_WEIGHTS_FILE}",
    )


def fine_tuned_layers(card: dict) -> tuple[str, ...]:
    """The MobileNet layers a transfer model's card says training changed (none for a frozen base)."""
    return tuple((card.get("base") or {}).get("fine_tuned_layers") or ())


def read_card(folder: Path, weights: str | None = None) -> ModelInfo:
    """Read ``folder/model.json`` and check the files it needs are present."""
    card_path = folder / "model.json"
    if not card_path.is_file():
        raise ValueError(f"{folder} has no model.json.")
    card = json.loads(card_path.read_text())
    kind = card.get("kind", "keras")
    metrics_path = folder / "metrics.json"
    accuracy = card.get("test_accuracy")
    if metrics_path.is_file():
        accuracy = json.loads(metrics_path.read_text()).get("accuracy", accuracy)
    available, reason, fix = True, "", ""
    network_file = folder / ("head.keras" if kind == "transfer" else "model.keras")
    if not network_file.is_file():
        available, reason = False, f"{network_file.name} is missing from {folder.name}/."
        fix = f"python -m core.training.train --arch {card.get('architecture', folder.name)} --name {folder.name}"
    elif kind == "transfer" and fine_tuned_layers(card) and not (folder / FINE_TUNED_FILE).is_file():
        available = False
        reason = f"{FINE_TUNED_FILE} (its fine-tuned MobileNet blocks) is missing from {folder.name}/."
        fix = f"python -m core.training.train --arch transfer --fine-tune-blocks 4 --name {folder.name}"
    elif kind == "transfer":
        available, reason, fix = _weights_status(weights)
    name = card.get("name", folder.name)
    return ModelInfo(
        name=name,
        title=card.get("title") or TITLES.get(name, name),
        architecture=card.get("architecture", name),
        kind=kind,
        input_size=tuple(int(v) for v in card.get("input_size", (150, 150))),
        class_names=tuple(card.get("class_names") or ("cats", "dogs")),
        test_accuracy=None if accuracy is None else float(accuracy),
        folder=folder,
        available=available,
        reason=reason,
        fix_command=fix,
        card=card,
        calibration=_from_card(CalibrationCard, card.get("calibration")) or CalibrationCard(),
        novelty=_from_card(NoveltyCard, card.get("novelty")),
    )


def list_models(models_dir: Path | None = None, weights: str | None = None) -> list[ModelInfo]:
    """Every model folder, most accurate first (unavailable ones last)."""
    models_dir = models_root(models_dir)
    if not models_dir.is_dir():
        return []
    infos = []
    for folder in sorted(Path(models_dir).iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "model.json").is_file():
            infos.append(read_card(folder, weights))
    return sorted(infos, key=lambda info: (not info.available, -(info.test_accuracy or 0.0), info.name))


def get_model_info(name: str, models_dir: Path | None = None, weights: str | None = None) -> ModelInfo:
    folder = models_root(models_dir) / name
    if not (folder / "model.json").is_file():
        known = ", ".join(info.name for info in list_models(models_dir, weights)) or "none"
        raise ValueError(f"No model named {name!r} (available: {known}).")
    return read_card(folder, weights)


def chosen_first(infos: list[ModelInfo], name: str | None) -> list[ModelInfo]:
    """The same models with the one named first (a page opened from the lesson shows the lesson's model)."""
    return sorted(infos, key=lambda info: info.name != name)


def default_model_name(infos: list[ModelInfo]) -> str | None:
    """The most accurate model that can be loaded here."""
    available = [info for info in infos if info.available]
    return available[0].name if available else None


def load_model(info: ModelInfo | str, weights: str | None = None, models_dir: Path | None = None) -> keras.Model:
    """Load a shipped model, rebuilding a transfer model's ImageNet base."""
    # Imported here: listing the models and reading their cards must not wait for TensorFlow (the page draws first).
    import keras

    from core.models import architectures
    from core.models.fine_tuned import apply_fine_tuned

    if isinstance(info, str):
        info = get_model_info(info, models_dir, weights)
    if not info.available:
        raise ValueError(f"{info.name} is unavailable: {info.reason} {info.fix_command}".strip())
    if info.kind == "transfer":
        size = info.input_size[0]
        base = architectures.mobilenet_base(size, weights_module.resolve_mobilenet_weights(weights))
        if (info.folder / FINE_TUNED_FILE).is_file():
            apply_fine_tuned(base, info.folder / FINE_TUNED_FILE)
        head = keras.saving.load_model(info.folder / "head.keras", safe_mode=True, compile=False)
        return architectures.assemble_transfer(base, head, size)
    return keras.saving.load_model(info.folder / "model.keras", safe_mode=True, compile=False)


def download_weights() -> Path:
    """Fetch MobileNet(0.25) ImageNet weights into the Keras cache (needs internet; checksum verified)."""
    return weights_module.fetch_weights()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["download-weights"]:
        print(f"Saved {download_weights()}")
    else:
        for model_info in list_models():
            status = "ok" if model_info.available else f"unavailable: {model_info.reason}"
            print(f"{model_info.name:12s} {model_info.label}  [{status}]")
