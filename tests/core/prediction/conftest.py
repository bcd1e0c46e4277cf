"""A fixture model whose true posterior is known: the photo's mean colour is its feature, one sigmoid reads it.

Photos are flat colours. Class 0 ("cats") has a red level drawn around 100, class 1
("dogs") around 140, both with spread 20, so the Bayes logit is linear in the red
level; the fixture's Dense layer is that logit times TRUE_TEMPERATURE, an
over-confident model by construction.
"""

from __future__ import annotations

import numpy as np
import pytest

#: How much the fixture over-states its logits.
TRUE_TEMPERATURE = 3.0
CLASS_MEANS = (100.0, 140.0)
SPREAD = 20.0
SIZE = 8


def bayes_logit(red: np.ndarray) -> np.ndarray:
    # log N(red; 140, 20) - log N(red; 100, 20) for equal priors, worked out by hand.
    low, high = CLASS_MEANS
    return (high - low) / SPREAD ** 2 * (red - (low + high) / 2)


def flat_photos(red: np.ndarray, green: float = 90.0, blue: float = 90.0) -> np.ndarray:
    """(N, SIZE, SIZE, 3) float photos of one colour each."""
    colours = np.stack([red, np.full_like(red, green), np.full_like(red, blue)], axis=1)
    return np.broadcast_to(colours[:, None, None, :], (len(red), SIZE, SIZE, 3)).astype(np.float32)


def sample(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Red levels and labels drawn from the fixture's own distribution."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, count)
    red = rng.normal(np.asarray(CLASS_MEANS)[labels], SPREAD)
    return red, labels


@pytest.fixture(scope="session")
def overconfident_model():
    import keras

    pixels = keras.Input(shape=(SIZE, SIZE, 3), name="pixels")
    pooled = keras.layers.GlobalAveragePooling2D(name="global_pool")(pixels)
    output = keras.layers.Dense(1, activation="sigmoid", name="output")(pooled)
    model = keras.Model(pixels, output, name="overconfident")
    low, high = CLASS_MEANS
    slope = (high - low) / SPREAD ** 2
    model.get_layer("output").set_weights([np.array([[slope], [0.0], [0.0]], np.float32) * TRUE_TEMPERATURE,
                                            np.array([-slope * (low + high) / 2], np.float32) * TRUE_TEMPERATURE])
    return model


def flat_png(red: float, green: float = 90.0, blue: float = 90.0, size: int = 24) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (int(red), int(green), int(blue))).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def fitted_models_dir(tmp_path_factory, overconfident_model):
    """A models folder with the fixture as "overconfident": T, a "not sure" rule and a fitted novelty scorer.

    The card's numbers are set by hand (T = TRUE_TEMPERATURE, "not sure" below 70%), not fitted here.
    """
    import json
    from dataclasses import asdict

    from core.models.registry import CalibrationCard, NoveltyCard
    from core.prediction import novelty
    from core.prediction.calibration import Reliability, ReliabilityBin
    from core.prediction.features import FINAL_INPUT, feature_extractor

    root = tmp_path_factory.mktemp("models")
    folder = root / "overconfident"
    folder.mkdir()
    overconfident_model.save(folder / "model.keras")
    extractor = feature_extractor(overconfident_model)
    red, labels = sample(600, seed=7)
    scorer = novelty.fit_scorer(extractor(flat_photos(red)).by_layer[FINAL_INPUT], labels, "mahalanobis", FINAL_INPUT)
    scorer.save(folder / "novelty.npz")
    reliability = Reliability((ReliabilityBin(0.5, 0.9, 40, 0.7, 0.7), ReliabilityBin(0.9, 1.0, 60, 0.95, 0.95)),
                              "test")
    calibration = CalibrationCard(temperature=TRUE_TEMPERATURE, fitted_on=100, ece_before=0.1, ece_after=0.01,
                                  reliability_before=reliability.as_dict(), reliability_after=reliability.as_dict(),
                                  unsure_rule={"threshold": 0.7, "min_accuracy": 0.8, "band": 0.05, "below_count": 5,
                                               "below_right": 3, "above_count": 95, "above_right": 90})
    card = NoveltyCard(method="mahalanobis", layer=FINAL_INPUT, threshold=5.0, validation_flag_rate=0.03)
    (folder / "model.json").write_text(json.dumps({
        "name": "overconfident", "architecture": "fixture", "kind": "keras", "input_size": [SIZE, SIZE],
        "class_names": ["cats", "dogs"], "calibration": asdict(calibration), "novelty": asdict(card)}))
    return root
