"""Gradient saliency: how much each input pixel could change the class score.

The saliency of a pixel is the size of the gradient of the class logit with
respect to that pixel's red, green and blue values (the largest of the three).
Bright pixels are those where a small change would move the score most. It is
noisier than Grad-CAM but has the photo's full resolution. Optional
SmoothGrad averages the gradients of a few noisy copies of the photo.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from core.explain.heat_map import HeatMap, chosen_class, class_label, where_sentence
from core.explain.scores import class_score, probabilities_from_logits
from core.models.probe import get_probe, model_input

#: Saliency is divided by this percentile of its values, so one extreme pixel
#: does not make the rest of the map dark.
DISPLAY_PERCENTILE = 99.0


NAME = "Saliency"


def explain(model: keras.Model, pixels: np.ndarray, class_index: int | None = None, *, smooth_samples: int = 0,
            noise_level: float = 0.1, seed: int = 0, class_names: Sequence[str] | None = None) -> HeatMap:
    """The gradient saliency map of ``class_index`` (default: the predicted class), at the model's input size.

    ``smooth_samples`` > 0 averages that many gradients of copies with Gaussian
    noise of ``noise_level`` × 255 added (SmoothGrad). ``values`` is the
    largest |gradient| over the colour channels, divided by its
    DISPLAY_PERCENTILE; ``details`` holds ``gradients`` (H, W, 3: d score / d
    pixel, pixels in 0..255), ``magnitude`` (H, W) and ``samples``.
    """
    if smooth_samples < 0:
        raise ValueError("smooth_samples cannot be negative.")
    probe = get_probe(model)
    clean = model_input(model, pixels)
    logits = keras.ops.convert_to_numpy(probe(clean).logits)
    probabilities = probabilities_from_logits(logits)[0]
    predicted, chosen = chosen_class(probabilities, class_index)
    if smooth_samples:
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, noise_level * 255.0, (smooth_samples, *clean.shape[1:])).astype(np.float32)
        batch = clean + noise
    else:
        batch = clean
    batch_tensor = tf.convert_to_tensor(batch)
    with tf.GradientTape() as tape:
        tape.watch(batch_tensor)
        score = keras.ops.sum(class_score(probe(batch_tensor).logits, chosen))
    gradients = keras.ops.convert_to_numpy(tape.gradient(score, batch_tensor)).mean(axis=0)
    magnitude = np.abs(gradients).max(axis=-1)
    top = float(np.percentile(magnitude, DISPLAY_PERCENTILE)) if magnitude.size else 0.0
    top = top if top > 0 else float(magnitude.max())
    values = np.clip(magnitude / top, 0.0, 1.0) if top > 0 else np.zeros_like(magnitude)
    samples = max(1, smooth_samples)
    how = "the plain gradient" if samples == 1 else f"SmoothGrad over {samples} noisy copies"
    caption = f"{where_sentence(NAME, class_label(class_names, chosen), values)} Pixel by pixel, {how}."
    return HeatMap(
        technique=NAME, class_index=chosen, values=values.astype(np.float32), caption=caption,
        score=float(class_score(logits, chosen)[0]),
        probability=float(probabilities[chosen]), predicted_class=predicted,
        details={"gradients": gradients.astype(np.float32), "magnitude": magnitude.astype(np.float32),
                 "samples": samples},
    )
