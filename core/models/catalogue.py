"""The models the Architecture page can show: the shipped ones, and every architecture built in code.

A shipped model is read from its folder; an architecture not trained here is
built untrained, since the layers, shapes and parameter counts do not depend
on training.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import keras

from core.models import architectures
from core.models.registry import ModelInfo

#: The model the page opens with when it is there.
DEFAULT_CHOICE = "classic"


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the model select box."""

    name: str
    label: str
    architecture: str
    shipped: ModelInfo | None = None  # None: built in code, untrained


def architecture_title(architecture: str) -> str:
    """The first line of the architecture function's docstring, without its full stop."""
    if architecture not in architectures.ARCHITECTURES:
        raise ValueError(f"Unknown architecture {architecture!r}.")
    documentation = architectures.ARCHITECTURES[architecture].__doc__ or architecture
    return documentation.strip().splitlines()[0].rstrip(".")


def model_choices(model_infos: Sequence[ModelInfo]) -> list[ModelChoice]:
    """The available shipped models first, then every architecture that has no shipped model."""
    shipped = {info.name: info for info in model_infos if info.available}
    choices = [ModelChoice(info.name, info.label, info.architecture, info) for info in shipped.values()]
    choices += [ModelChoice(name, f"{name}: {architecture_title(name)} (built in code, untrained)", name)
                for name in architectures.ARCHITECTURES if name not in shipped]
    return choices


def default_choice_index(choices: Sequence[ModelChoice]) -> int:
    names = [choice.name for choice in choices]
    return names.index(DEFAULT_CHOICE) if DEFAULT_CHOICE in names else 0


def untrained_model(architecture: str) -> keras.Model:
    """An untrained copy of an architecture: the shapes and counts do not depend on training."""
    if architecture not in architectures.ARCHITECTURES:
        raise ValueError(f"Unknown architecture {architecture!r}.")
    if architecture == "transfer":
        image_size = architectures.DEFAULT_IMAGE_SIZE["transfer"]
        # weights=None: the layer table needs no ImageNet download.
        base = architectures.mobilenet_base(image_size, weights=None)
        head = architectures.transfer_head(tuple(base.output.shape[1:]))
        return architectures.assemble_transfer(base, head, image_size)
    return architectures.build(architecture)


@dataclass(frozen=True)
class SavedSize:
    """How much disk a shipped model's files take."""

    megabytes: float  # 1 MB = 1,000,000 bytes
    file_count: int

    @property
    def sentence(self) -> str:
        """'The saved file takes 0.01 MB on disk.' ('files take' for a model in several files)."""
        verb = "files take" if self.file_count > 1 else "file takes"
        return f"The saved {verb} {self.megabytes:.2f} MB on disk."


def model_files(model_info: ModelInfo) -> list[Path]:
    """The files a shipped model is loaded from (the transfer base's weight file included)."""
    if model_info.kind != "transfer":
        return [model_info.folder / "model.keras"]
    files = [model_info.folder / "head.keras"]
    weights = architectures.resolve_mobilenet_weights()
    if weights != "imagenet":  # a local file; "imagenet" is Keras' own download cache
        files.append(Path(weights))
    return files


def saved_size(model_info: ModelInfo) -> SavedSize | None:
    """The size on disk of the model's files that exist, or None when none does."""
    present = [path for path in model_files(model_info) if path.is_file()]
    if not present:
        return None
    return SavedSize(sum(path.stat().st_size for path in present) / 1e6, len(present))
