"""One cached model, many sessions: every use of a shared model is safe from concurrent threads.

Streamlit serves each browser session from its own thread of one process, and
all of them share the model loaded by ``st.cache_resource``. This runs
prediction, the Classify page's features ("neither" score and logits), feature
maps, Grad-CAM, saliency and activation maximisation on one
model from several threads at once (each starting on a fresh model, so the
first graph builds race too) and checks every result equals the one computed
alone, one call after another, on an identical copy of the model.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest

from core.explain.activation_max import maximise_activation
from core.explain.feature_maps import compute_feature_maps
from core.explain.gradcam import explain as grad_cam
from core.explain.saliency import explain as saliency_map
from core.models.inference import predict_probabilities
from core.prediction.features import feature_extractor
from tests.support.explain_models import nested_pair, photo

THREADS = 6
ROUNDS = 3


def _chain_model() -> keras.Model:
    """A seeded small CNN: rescale -> conv -> pool -> conv -> pool -> GAP -> sigmoid."""
    keras.utils.set_random_seed(3)
    pixels = keras.Input((24, 24, 3), name="pixels")
    x = keras.layers.Rescaling(1 / 255, name="rescale")(pixels)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv1")(x)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(8, 3, activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(x)
    return keras.Model(pixels, outputs, name="chain")


def _copy(model: keras.Model) -> keras.Model:
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def _every_use(model: keras.Model, conv_layer: str, seed: int) -> dict[str, np.ndarray]:
    """Everything a session can ask of the shared model for one photo, as arrays."""
    picture = photo(40, 30, seed=seed)
    batch = np.stack([photo(24, 24, seed=seed + offset) for offset in range(3)])
    maps = compute_feature_maps(model, picture, [conv_layer])
    cam = grad_cam(model, picture, layer=conv_layer)
    saliency = saliency_map(model, picture, smooth_samples=2, seed=seed)
    pattern = maximise_activation(model, conv_layer, channel=seed % 4, steps=3, seed=seed)
    features = feature_extractor(model)(batch.astype(np.float32))  # the Classify page's one run per batch
    return {
        "probabilities": predict_probabilities(model, batch),
        "logits": features.logits,
        **{f"features {name}": values for name, values in features.by_layer.items()},
        "feature_maps": maps[0].activations,
        "gradcam": cam.details["cam"],
        "saliency": saliency.details["gradients"],
        "pattern": pattern.image,
    }


@pytest.mark.parametrize("build, conv_layer", [
    (_chain_model, "conv2"),
    (lambda: nested_pair()[0], "base/base_conv"),  # nested base and head, like the transfer model
], ids=["chain", "nested"])
def test_concurrent_sessions_get_the_same_answers_as_one_at_a_time(build, conv_layer):
    shared = build()
    alone = _copy(shared)
    seeds = [thread * 10 + round_ for thread in range(THREADS) for round_ in range(ROUNDS)]
    expected = {seed: _every_use(alone, conv_layer, seed) for seed in seeds}

    start_together = threading.Barrier(THREADS)

    def session(thread: int) -> list[tuple[int, dict[str, np.ndarray]]]:
        start_together.wait()  # all threads hit the fresh model at the same moment
        return [(seed, _every_use(shared, conv_layer, seed)) for seed in seeds[thread * ROUNDS:(thread + 1) * ROUNDS]]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [item for batch in pool.map(session, range(THREADS)) for item in batch]

    assert sorted(seed for seed, _ in results) == sorted(seeds)
    for seed, got in results:
        for name, value in got.items():
            np.testing.assert_allclose(value, expected[seed][name], rtol=1e-4, atol=1e-5,
                                       err_msg=f"{name} differs for seed {seed} when run from {THREADS} threads")
