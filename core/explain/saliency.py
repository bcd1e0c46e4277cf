"""Gradient saliency: how much each input pixel could change the class score.

The saliency of a pixel is the size of the gradient of the class logit with
respect to that pixel's red, green and blue values (the largest of the three).
Bright pixels are those where a small change would move the score most. It is
noisier than Grad-CAM but has the photo's full resolution. Optional
SmoothGrad averages the gradients of a few noisy copies of the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from core.explain.gradcam import class_score, probabilities_from_logits
from core.models.probe import get_probe, model_input

#: Saliency is divided by this percentile of its values, so one extreme pixel
#: does not make the rest of the map black.
DISPLAY_PERCENTILE = 99.0


@dataclass(frozen=True)
class Saliency:
    """Input gradients for one class, at the model's input size."""

    class_index: int
    gradients: np.ndarray  # (H, W, 3) d score / d pixel (pixels in 0..255)
    magnitude: np.ndarray  # (H, W) largest |gradient| over the colour channels
    heatmap: np.ndarray  # (H, W) magnitude scaled to 0..1 for display
    predicted_class: int
    samples: int  # 1 = plain gradient, more = SmoothGrad


def saliency_map(
    model: keras.Model,
    pixels: np.ndarray,
    class_index: int | None = None,
    smooth_samples: int = 0,
    noise_level: float = 0.1,
    seed: int = 0,
) -> Saliency:
    """The gradient saliency map of ``class_index`` (default: the predicted class).

    ``smooth_samples`` > 0 averages that many gradients of copies with Gaussian
    noise of ``noise_level`` × 255 added (SmoothGrad).
    """
    if smooth_samples < 0:
        raise ValueError("smooth_samples cannot be negative.")
    probe = get_probe(model)
    clean = model_input(model, pixels)
    logits = keras.ops.convert_to_numpy(probe(clean).logits)
    predicted = int(np.argmax(probabilities_from_logits(logits)[0]))
    chosen = predicted if class_index is None else int(class_index)
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
    heatmap = np.clip(magnitude / top, 0.0, 1.0) if top > 0 else np.zeros_like(magnitude)
    return Saliency(
        class_index=chosen,
        gradients=gradients.astype(np.float32),
        magnitude=magnitude.astype(np.float32),
        heatmap=heatmap.astype(np.float32),
        predicted_class=predicted,
        samples=max(1, smooth_samples),
    )
