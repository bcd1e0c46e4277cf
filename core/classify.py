"""From a decoded photo to a prediction a learner can read."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import numpy as np

from core.images import resize_for_model

#: Below this top-class probability the app says "not sure" instead of a class.
UNSURE_BELOW = 0.65

SINGULAR = {"cats": "cat", "dogs": "dog"}


def singular(class_name: str) -> str:
    """'cats' -> 'cat' for sentences; other names unchanged."""
    return SINGULAR.get(class_name, class_name)


@dataclass(frozen=True)
class Prediction:
    """One photo's result: the probability of every class, in output order."""

    class_names: tuple[str, ...]
    probabilities: tuple[float, ...]

    @property
    def index(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def label(self) -> str:
        return self.class_names[self.index]

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.index])

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW

    def headline(self) -> str:
        """'dog (97% sure)' or 'not sure: 55% dog, 45% cat'."""
        if self.unsure:
            ranked = sorted(zip(self.probabilities, self.class_names), reverse=True)
            parts = ", ".join(f"{p:.0%} {singular(name)}" for p, name in ranked)
            return f"not sure: {parts}"
        return f"{singular(self.label)} ({self.confidence:.0%} sure)"


def format_probability(probability: float) -> str:
    """'97.3%', but 'over 99.9%' rather than a rounded '100.0%': a network is never certain."""
    if probability >= 0.9995:
        return "over 99.9%"
    if 0 < probability < 0.0005:
        return "under 0.1%"
    return f"{probability:.1%}"


def predictions_from_probabilities(probabilities: np.ndarray, class_names: tuple[str, ...]) -> list[Prediction]:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[1] != len(class_names):
        raise ValueError(f"Expected (N, {len(class_names)}) probabilities, got shape {probabilities.shape}.")
    return [Prediction(tuple(class_names), tuple(float(p) for p in row)) for row in probabilities]


def model_inputs(photos: list[np.ndarray], size: tuple[int, int]) -> np.ndarray:
    """Stack photos resized to the model's (height, width) as a uint8 batch."""
    if not photos:
        raise ValueError("No photos to classify.")
    return np.stack([resize_for_model(pixels, size) for pixels in photos])


def pixel_crop(model_input: np.ndarray, top: int, left: int, size: int = 6) -> np.ndarray:
    """A size×size×3 window of the model's input, clipped to stay inside it."""
    height, width = model_input.shape[:2]
    size = max(1, min(size, height, width))
    top = int(np.clip(top, 0, height - size))
    left = int(np.clip(left, 0, width - size))
    return model_input[top:top + size, left:left + size]


def results_csv(names: list[str], predictions: list[Prediction]) -> str:
    """A CSV table: file, predicted class, its probability and every class's probability."""
    if len(names) != len(predictions):
        raise ValueError("Each prediction needs a file name.")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    class_names = predictions[0].class_names if predictions else ()
    writer.writerow(["file", "prediction", "probability", "unsure", *[f"p_{name}" for name in class_names]])
    for name, prediction in zip(names, predictions):
        writer.writerow([name, prediction.label, f"{prediction.confidence:.4f}", prediction.unsure,
                         *[f"{p:.4f}" for p in prediction.probabilities]])
    return buffer.getvalue()


def input_scaling(model) -> str:
    """How the model's first Rescaling layer turns 0..255 pixels into its own range."""
    for layer in model.layers:
        if layer.__class__.__name__ == "Rescaling":
            scale, offset = float(layer.scale), float(layer.offset)
            low, high = offset, 255 * scale + offset
            if abs(scale - 1 / 255) < 1e-9 and offset == 0:
                return "divides them by 255 itself, in its first layer, so they run from 0 to 1"
            sign = "+" if offset >= 0 else "−"
            return (f"rescales them itself, in its first layer (÷ {1 / scale:.4g} {sign} {abs(offset):g}), "
                    f"so they run from {low:g} to {high:g}")
    return "uses them as they are"


def digest(data: bytes | np.ndarray) -> str:
    """A short content hash used as a cache key for photos."""
    raw = data.tobytes() if isinstance(data, np.ndarray) else data
    return hashlib.blake2b(raw, digest_size=12).hexdigest()
