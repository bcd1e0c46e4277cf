"""The training photos a model finds most like a photo: the nearest rows of its bank (core.explain.neighbour_bank).

What the network considers similar is often the best explanation of a wrong
answer: a cat photographed like the dogs it learned from lands among them.

The distance is one minus the cosine similarity of the features the final
Dense layer reads. Cosine rather than Euclidean: it compares which features a
photo lights up and in what proportion, not how strongly, so a dim or
low-contrast photo (smaller activations throughout) is not pushed away from
photos of the same thing; the "neither" score's k-NN distance
(core.prediction.novelty) measures the same way. Ties keep the bank's file order.

The bank names its photos; only a file that resolves inside the data folder
(:func:`photo_path`) is ever opened, and it is decoded straight to a thumbnail
(:func:`thumbnail`): JPEG draft mode, never held at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.explain.neighbour_bank import LAYER, NeighbourBank, relative_file
from core.imaging.decode import MAX_BYTES, ImageLoadError
from core.imaging.resize import load_thumbnail
from core.imaging.resize import thumbnail as shrink
from core.prediction.answers import singular

#: Training photos shown per photo.
NEIGHBOURS = 8

#: Side, in pixels, of the square a training photo is shown in (the shipped photos are at most 256 px).
THUMBNAIL_SIDE = 256

#: How to get training photos on a machine without them (core.data.download, then a bank over their training split).
GET_PHOTOS = ("python -m core.data.download petimages --dest data",
              "python -m core.explain.neighbour_bank --data data/petimages/split",
              "CNN_CLASSROOM_DATA=data/petimages/split streamlit run app.py")


def photo_features(model, pixels: np.ndarray) -> np.ndarray:
    """One photo's (d,) features of the bank's layer, sent to the network as the Classify page sends it."""
    # Imported here: the pure search above needs no TensorFlow.
    from core.prediction.batching import shared_batcher
    from core.prediction.features import feature_extractor
    from core.prediction.inputs import model_inputs

    inputs = model_inputs([pixels], feature_extractor(model).input_size)
    return shared_batcher(model)(inputs.astype(np.float32)).by_layer[LAYER][0]


def nearest(bank: NeighbourBank, features: np.ndarray, count: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """The bank indices of the ``count`` rows nearest to one photo's (d,) features, and their distances.

    Nearest first; equal distances keep the bank's order (the lower index first).
    """
    if count < 1:
        raise ValueError(f"Ask for at least one neighbour, got {count}.")
    features = np.asarray(features, dtype=np.float32)
    if features.ndim == 2 and features.shape[0] == 1:
        features = features[0]
    if features.ndim != 1:
        raise ValueError(f"Expected one photo's features, got shape {features.shape}.")
    query = bank.project(features[None, :])[0]
    distances = 1.0 - bank.rows @ query  # both of unit length: one minus their cosine similarity
    count = min(count, len(bank))
    if count < len(bank):
        # The count smallest, plus every row tied with the largest of them, then a stable sort of those few.
        boundary = np.partition(distances, count - 1)[count - 1]
        candidates = np.flatnonzero(distances <= boundary)
    else:
        candidates = np.arange(len(bank))
    order = candidates[np.argsort(distances[candidates], kind="stable")][:count]
    return order, distances[order].astype(np.float64)


@dataclass(frozen=True)
class Neighbour:
    """One of the nearest training photos."""

    rank: int  # 1: the nearest
    label: str  # its class folder, "dogs"
    distance: float  # 1 - cosine similarity of the features
    file: str  # relative to the data folder, "train/dogs/dog_00042.jpg"
    path: Path | None  # the file on this machine, resolved inside the data folder; None when it is not there

    @property
    def on_disk(self) -> bool:
        return self.path is not None

    @property
    def caption(self) -> str:
        """'1. dog · 0.083'"""
        return f"{self.rank}. {singular(self.label)} · {_number(self.distance)}"

    def alt(self, total: int) -> str:
        """'Training photo 3 of 8: dog, distance 0.124' (what a screen reader says for the photo)."""
        return f"Training photo {self.rank} of {total}: {singular(self.label)}, distance {_number(self.distance)}"


def photo_path(data_dir: Path, file: str) -> Path | None:
    """``data_dir / file`` resolved, if it is a file inside ``data_dir``; None otherwise (missing or outside).

    The bank refuses absolute and ``..`` names already (:func:`core.explain.neighbour_bank.relative_file`);
    resolving here also stops a link inside the data folder that points out of it.
    """
    try:
        relative_file(file)
        root = Path(data_dir).resolve()
        path = (root / file).resolve()
    except (ValueError, OSError, RuntimeError):
        return None
    if not path.is_relative_to(root) or path == root or not path.is_file():
        return None
    return path


def thumbnail(neighbour: Neighbour, side: int = THUMBNAIL_SIDE) -> np.ndarray | None:
    """The centre square of the neighbour's photo, at most ``side`` pixels, or None if it cannot be shown.

    Decoded with the app's safe decoder (size and pixel limits; a JPEG in draft mode, at a fraction of its
    size) and shrunk at once, so only the thumbnail outlives the call: never the photo at full resolution.
    """
    if neighbour.path is None:  # not on this machine, or outside the data folder (photo_path)
        return None
    try:
        if neighbour.path.stat().st_size > MAX_BYTES:
            return None
        pixels = load_thumbnail(neighbour.path.read_bytes(), 2 * side)
    except (OSError, ImageLoadError):
        return None
    height, width = pixels.shape[:2]
    square = min(height, width)
    top, left = (height - square) // 2, (width - square) // 2
    return shrink(pixels[top:top + square, left:left + square], side)


def layer_line(entry: dict) -> str:
    """The card's "neighbours" entry in one sentence: which layer's features, how many, how compared."""
    split = entry.get("split", "train")
    photos = "training photos" if split == "train" else f"{split} photos"
    return (f"Layer compared, from the model's card: **{entry['layer']}**, the {entry['dimensions']:,} numbers "
            f"its final Dense layer reads, by {entry['distance']} distance, over {entry['photos']:,} {photos}.")


def _number(distance: float) -> str:
    """Three significant digits, never in exponent notation: '0.00312', '0.145'; '0' below float16's noise."""
    if distance < 1e-5:
        return "0"
    decimals = max(3, 2 - int(np.floor(np.log10(distance))))
    return f"{distance:.{decimals}f}"


def _are(count: int, label: str) -> str:
    """'are dogs', or 'is a dog' for one."""
    return f"is a {singular(label)}" if count == 1 else f"are {label}"


@dataclass(frozen=True)
class NearestPhotos:
    """One photo's nearest training photos, with the sentences the page shows about them."""

    neighbours: tuple[Neighbour, ...]
    class_names: tuple[str, ...]
    answer: str  # what the model answered: a class ("cat"), "not sure" or "neither" (core.prediction.photo_answer)
    best_guess: str  # its top class, singular ("cat")
    bank_photos: int
    feature_dimensions: int
    data_dir: Path
    typical_distance: float | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Neighbours per class, most first (equal counts in class order)."""
        counts = {name: sum(neighbour.label == name for neighbour in self.neighbours) for name in self.class_names}
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    @property
    def majority(self) -> str | None:
        """The class most of the neighbours belong to, or None when two classes have as many."""
        ranked = list(self.counts.items())
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    @property
    def table(self) -> list[dict]:
        """One row per neighbour, nearest first: what the page's table shows."""
        return [{"rank": n.rank, "label": singular(n.label), "distance": _number(n.distance), "training photo": n.file,
                 "on this machine": "yes" if n.on_disk else "no"} for n in self.neighbours]

    @property
    def missing(self) -> int:
        return sum(not neighbour.on_disk for neighbour in self.neighbours)

    def _answered(self) -> str:
        if self.answer == "not sure":
            return f"the model was not sure (its best guess: {self.best_guess})"
        if self.answer == "neither":
            return f"the model called it neither (its best guess: {self.best_guess})"
        return f"the model answered {self.answer}"

    @property
    def summary(self) -> str:
        """'6 of the 8 nearest training photos are dogs and 2 are cats; the model answered cat.'"""
        total = len(self.neighbours)
        present = [(label, count) for label, count in self.counts.items() if count]
        if len(present) == 1:
            label = present[0][0]
            start = (f"The nearest training photo is a {singular(label)}" if total == 1
                     else f"All {total} nearest training photos are {label}")
        else:
            (first, first_count), *others = present
            rest = " and ".join(f"{count} {_are(count, label)}" for label, count in others)
            start = f"{first_count} of the {total} nearest training photos {_are(first_count, first)} and {rest}"
        return f"{start}; {self._answered()}."

    @property
    def reading(self) -> str:
        """What the count says about the answer."""
        majority = self.majority
        if majority is None:
            return ("The most similar training photos are split evenly between the classes: in the features the "
                    "model reads, this photo sits between them.")
        guess = self.best_guess
        if singular(majority) == guess:
            agrees = ("Its answer agrees" if self.answer == guess else f"Its best guess, {guess}, agrees")
            return (f"{agrees} with most of the training photos it finds most similar: if it is wrong, what they "
                    "share with this photo (a pose, a colour, a background) is the likely reason.")
        return (f"Most of the training photos it finds most similar are {majority}, yet its best guess is {guess}: "
                "its final layer weighs these features in its own way, not by how close they sit. What those photos "
                "share with this one (a pose, a colour, a background) is what its features picked up.")

    @property
    def distances(self) -> str:
        """What the distances are, their range and, where the bank knows it, a typical pair's distance."""
        first, last = self.neighbours[0].distance, self.neighbours[-1].distance
        typical = "" if self.typical_distance is None else \
            f"; two training photos picked at random are typically {_number(self.typical_distance)} apart"
        return (f"Distance: one minus the cosine similarity of the {self.feature_dimensions} features the final "
                f"layer reads (0: in the same proportions), among {self.bank_photos:,} training photos. These run "
                f"from {_number(first)} (nearest) to {_number(last)}{typical}.")

    @property
    def photos_line(self) -> str:
        """'' when every photo is here; else which are missing and the commands that get photos."""
        if not self.missing:
            return ""
        which = "The photos are" if self.missing == len(self.neighbours) else \
            f"{self.missing} of the {len(self.neighbours)} photos are"
        return (f"{which} not on this machine (looked in {self.data_dir}), so only their labels and distances are "
                f"shown. To see photos: `{GET_PHOTOS[0]}`, then `{GET_PHOTOS[1]}` and `{GET_PHOTOS[2]}` (the same "
                "Kaggle photos under their own names).")


def nearest_photos(bank: NeighbourBank, features: np.ndarray, answer: str, best_guess: int, data_dir: Path,
                   count: int = NEIGHBOURS) -> NearestPhotos:
    """The ``count`` nearest training photos to one photo's features, and whether each file is in ``data_dir``."""
    if not 0 <= best_guess < len(bank.class_names):
        raise ValueError(f"The best guess {best_guess} is not one of the bank's {len(bank.class_names)} classes.")
    indices, distances = nearest(bank, features, count)
    data_dir = Path(data_dir)
    neighbours = []
    for rank, (index, distance) in enumerate(zip(indices, distances), start=1):
        file = bank.files[index]
        neighbours.append(Neighbour(rank, bank.class_names[bank.labels[index]], float(distance), file,
                                    photo_path(data_dir, file)))
    return NearestPhotos(tuple(neighbours), bank.class_names, answer, singular(bank.class_names[best_guess]),
                         len(bank), bank.dimensions, data_dir, bank.typical_distance)
