"""Each shipped model's features of its training photos, stored beside it for "the nearest training photos".

    python -m core.explain.neighbour_bank                  # every shipped model, the training split of the data
    python -m core.explain.neighbour_bank models/classic --data data/petimages/split

Every training photo goes to the network as the app sends it (the path of
:mod:`core.trust.fit`: :func:`core.imaging.resize.network_input`, then
:func:`core.prediction.features.feature_extractor`), and the features its final
Dense layer reads (``FINAL_INPUT``) are kept: what the classifier itself sees.

Stored in ``models/<name>/neighbours.npz`` (numbers and file names relative
to the data folder, never a photo): each photo's features divided by their
length, as float16, so that one matrix product gives every training photo's
cosine similarity. All of the layer's features are kept: projecting the sparse
512 features of ``classic`` on its first 64 principal directions changed a
third of its 8 nearest photos, while float16 changes under 1% of them (the
README's table). The card's "neighbours" entry says the layer, how many photos,
the distance and the file's size.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np

#: The features searched: the input of the final Dense layer (core.prediction.features.FINAL_INPUT).
LAYER = "final dense input"

#: The bank's file, beside model.json.
BANK_FILE = "neighbours.npz"

#: Random pairs of training photos whose median distance is the bank's "typical distance".
TYPICAL_PAIRS = 20_000

#: What the card calls the distance.
DISTANCE = "cosine"


@dataclass(frozen=True, eq=False)
class NeighbourBank:
    """The training photos' projected features (N, k), their labels and their files relative to the data folder."""

    layer: str
    class_names: tuple[str, ...]
    rows: np.ndarray  # (N, d) float32 (stored as float16): each photo's features divided by their length
    labels: np.ndarray  # (N,) int, indexing class_names
    files: tuple[str, ...]  # "train/cats/cat_00001.jpg", relative to the data folder
    typical_distance: float | None = None  # the median distance between two training photos picked at random

    def __post_init__(self):
        count = len(self.files)
        if self.rows.ndim != 2 or self.rows.shape[0] != count or self.labels.shape != (count,):
            raise ValueError(f"A bank needs one row and one label per file: {self.rows.shape} rows, "
                             f"{self.labels.shape} labels, {count} files.")
        if count == 0:
            raise ValueError("A bank needs at least one training photo.")
        if self.labels.min() < 0 or self.labels.max() >= len(self.class_names):
            raise ValueError(f"Labels must index the {len(self.class_names)} class names.")
        for file in self.files:
            relative_file(file)
        for array in (self.rows, self.labels):
            array.flags.writeable = False  # shared by every session of the server

    @property
    def dimensions(self) -> int:
        return int(self.rows.shape[1])

    def __len__(self) -> int:
        return len(self.files)

    def project(self, features: np.ndarray) -> np.ndarray:
        """(N, d) features of the bank's layer as (N, d) rows comparable with the bank's: divided by their length."""
        features = np.asarray(features, dtype=np.float32)
        if features.ndim != 2 or features.shape[1] != self.dimensions:
            raise ValueError(f"The bank was built from {self.dimensions} features per photo, "
                             f"got shape {features.shape}.")
        return normalised(features)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, layer=np.array(self.layer), class_names=np.array(self.class_names),
                            rows=self.rows.astype(np.float16), labels=self.labels.astype(np.uint8),
                            files=np.array(self.files),
                            typical_distance=np.array(np.nan if self.typical_distance is None
                                                      else self.typical_distance))

    @classmethod
    def load(cls, path: Path) -> NeighbourBank:
        with np.load(path, allow_pickle=False) as stored:
            typical = float(stored["typical_distance"])
            return cls(str(stored["layer"]), tuple(str(name) for name in stored["class_names"]),
                       stored["rows"].astype(np.float32), stored["labels"].astype(int),
                       tuple(str(name) for name in stored["files"]), None if np.isnan(typical) else typical)


def relative_file(file: str) -> str:
    """``file`` when it is a plain path relative to the data folder ("train/cats/cat_00001.jpg"); else ValueError.

    A bank names its photos, and the page opens those files: an absolute path, a drive,
    a backslash or a ``..`` could point outside the data folder, so a bank holding one is refused.
    """
    posix, windows = PurePosixPath(str(file)), PureWindowsPath(str(file))
    if (not isinstance(file, str) or not file or "\\" in file or "\0" in file or posix.is_absolute()
            or windows.drive or windows.root or ".." in posix.parts):
        raise ValueError(f"A bank's files must be relative to the data folder, without '..': got {file!r}.")
    return file


def normalised(features: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, 1e-12)


def fit_bank(features: np.ndarray, labels, files, class_names, layer: str = LAYER) -> NeighbourBank:
    """A bank of (N, d) training features: each row divided by its length and rounded to float16."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"A bank needs (N, d) features of at least 2 photos, got shape {features.shape}.")
    unit = normalised(features)
    # Seeded random pairs of different photos: the yardstick the page gives beside the nearest distances.
    rng = np.random.default_rng(0)
    first, second = rng.integers(0, len(unit), (2, TYPICAL_PAIRS))
    different = first != second
    typical = float(np.median(1.0 - np.einsum("nd,nd->n", unit[first[different]], unit[second[different]])))
    return NeighbourBank(layer, tuple(class_names), unit.astype(np.float16).astype(np.float32),
                         np.asarray(labels, dtype=int), tuple(files), typical)


def card_entry(bank: NeighbourBank, path: Path, data: str) -> dict:
    """The card's "neighbours" entry."""
    return {"layer": bank.layer, "file": path.name, "photos": len(bank), "split": "train", "distance": DISTANCE,
            "dimensions": bank.dimensions, "storage": "float16, each photo's features divided by their length",
            "typical_distance": round(bank.typical_distance, 5),
            "bytes": path.stat().st_size, "data": data,
            "counts": {name: int((bank.labels == index).sum()) for index, name in enumerate(bank.class_names)}}


def card_bank(info) -> NeighbourBank | None:
    """The bank a model's card names (a :class:`core.models.registry.ModelInfo`), or None if it has none."""
    entry = info.card.get("neighbours") or {}
    path = Path(info.folder) / entry.get("file", BANK_FILE)
    if not entry or not path.is_file():
        return None
    return NeighbourBank.load(path)


def training_features(info, data: Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(files relative to ``data``, labels, FINAL_INPUT features) of every photo in ``data/train``."""
    from core.data.files import list_labeled_files
    from core.models import registry
    from core.trust.fit import _run  # the "neither" score's fitting path: the app's input, batched, in 2 threads

    files = list_labeled_files(Path(data) / "train", tuple(info.class_names))
    model = registry.load_model(info)
    _, by_layer = _run(model, list(files.paths), f"{info.name} train")
    relative = tuple(Path(path).relative_to(data).as_posix() for path in files.paths)
    return relative, np.asarray(files.labels), by_layer[LAYER]


def write_bank(info, files, labels, features, data: Path) -> dict:
    """Fit and save the bank beside the model and write the card's entry; returns the entry."""
    bank = fit_bank(features, labels, files, info.class_names)
    path = Path(info.folder) / BANK_FILE
    bank.save(path)
    card_path = Path(info.folder) / "model.json"
    card = json.loads(card_path.read_text())
    card["neighbours"] = card_entry(bank, path, Path(data).name)
    card_path.write_text(json.dumps(card, indent=1))
    return card["neighbours"]


def main(argv: list[str] | None = None) -> int:
    from core.data.files import default_data_dir
    from core.models import registry

    parser = argparse.ArgumentParser(prog="python -m core.explain.neighbour_bank", description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="*", help="model folders (default: every one in models/)")
    parser.add_argument("--data", type=Path, default=None, help="folder with train/<class>/ (default: the app's data)")
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    folders = args.folders or [info.folder for info in registry.list_models()]
    written = 0
    for folder in folders:
        try:
            info = registry.read_card(Path(folder))
            if not info.available:
                raise ValueError(f"{info.name} cannot be loaded: {info.reason}")
            files, labels, features = training_features(info, data)
            entry = write_bank(info, files, labels, features, data)
            written += 1
            print(f"{info.name}: {entry['photos']} photos × {entry['dimensions']} features, "
                  f"{entry['bytes'] / 1e6:.2f} MB")
        except (ValueError, OSError) as error:
            print(f"error: {folder}: {error}", file=sys.stderr)
    return 0 if written else 2


if __name__ == "__main__":
    sys.exit(main())
