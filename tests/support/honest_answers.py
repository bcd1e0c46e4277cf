"""What the Classify page must show for a photo, worked out by hand, apart from core.prediction.

The network runs through ``predict_probabilities`` (not the page's feature
extractor); its logit is recovered from its sigmoid output and divided by the
temperature read straight from ``models/<name>/model.json``; the words are
written out here, not taken from core.prediction.honest.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from core.models import registry
from core.models.inference import predict_probabilities
from core.prediction.inputs import model_inputs

#: The page's names in sentences, by hand.
SINGULAR = {"cats": "cat", "dogs": "dog"}


@functools.cache
def loaded_model(name: str):
    """Each model loaded once per test process, apart from the page's own cache."""
    return registry.load_model(name)


def card(name: str) -> dict:
    """The model's card as stored, not as the registry reads it."""
    return json.loads((registry.models_root() / name / "model.json").read_text())


def temperature(name: str) -> float:
    return float((card(name).get("calibration") or {}).get("temperature", 1.0))


def unsure_line(name: str) -> float:
    """Below this calibrated top-class probability the page says "not sure" (the card's rule, else 65%)."""
    rule = (card(name).get("calibration") or {}).get("unsure_rule") or {}
    return float(rule.get("threshold", 0.65))


def raw_probabilities(name: str, pixels: list[np.ndarray]) -> np.ndarray:
    """(N, 2) the network's own sigmoid output for upright RGB photos."""
    info = registry.get_model_info(name)
    assert tuple(info.class_names) == ("cats", "dogs"), "the hand-written words assume cats and dogs"
    return predict_probabilities(loaded_model(name), model_inputs(pixels, info.input_size))


def calibrated_probabilities(name: str, pixels: list[np.ndarray]) -> np.ndarray:
    """(N, 2): the model's logit (recovered from P(dog), exact for a sigmoid unit) divided by the card's T."""
    dog = raw_probabilities(name, pixels)[:, 1].astype(np.float64)
    with np.errstate(divide="ignore"):
        logits = np.log(dog) - np.log1p(-dog)
    calibrated_dog = 1.0 / (1.0 + np.exp(-logits / temperature(name)))
    return np.stack([1.0 - calibrated_dog, calibrated_dog], axis=1)


def whole_percent(probability: float) -> str:
    """'98%', 'over 99%', 'under 1%': how the page's sentence words a probability."""
    if probability >= 0.995:
        return "over 99%"
    if probability < 0.005:
        return "under 1%"
    return f"{probability * 100:.0f}%"


def one_decimal(probability: float) -> str:
    """'97.3%', 'over 99.9%', 'under 0.1%': how the bars and the table word it."""
    if probability >= 0.9995:
        return "over 99.9%"
    if probability < 0.0005:
        return "under 0.1%"
    return f"{probability * 100:.1f}%"


def gives_sentence(probabilities: np.ndarray) -> str:
    """'The model gives it 98% cat.' for one photo's calibrated (cat, dog) probabilities."""
    top = int(np.argmax(probabilities))
    return f"The model gives it {whole_percent(float(probabilities[top]))} {SINGULAR[('cats', 'dogs')[top]]}."


def expected_heading(name: str, probabilities: np.ndarray, neither: bool = False) -> str:
    """The page's heading for a photo: neither, "not sure" below the card's line, else the class."""
    if neither:
        return "### 🤷 Neither a cat nor a dog?"
    top = int(np.argmax(probabilities))
    if probabilities[top] < unsure_line(name):
        return "### 🤔 Not sure"
    return f"### It's a **{SINGULAR[('cats', 'dogs')[top]]}**"


def expected_summary(name: str, probabilities: np.ndarray, neither: bool = False) -> str:
    """The first sentence under the heading: the model's best guess (flagged), "not sure" below the line, or the
    class."""
    top = int(np.argmax(probabilities))
    label, percent = SINGULAR[("cats", "dogs")[top]], whole_percent(float(probabilities[top]))
    if neither:
        return f"This doesn't look like the cats and dogs I learned from. Its best guess: {label}, {percent}."
    if probabilities[top] < unsure_line(name):
        return (f"The model gives it {percent} {label}, below the {whole_percent(unsure_line(name))} "
                f"it needs to name a class.")
    return f"The model gives it {percent} {label}."
