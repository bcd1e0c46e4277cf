"""Activation maximisation: the input pattern that makes one filter fire most.

Start from grey noise and repeatedly nudge the picture in the direction that
raises the filter's mean response (gradient ascent). For a convolution the
response is taken before its ReLU, so a filter that is silent on grey noise
still gets a gradient. Two light regularisers
keep the result looking like a pattern rather than pixel noise: a random
shift ("jitter") before each step, and a small blur every few steps.
The defaults take a few seconds on a laptop CPU for the classic model.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import cv2
import keras
import numpy as np
import tensorflow as tf

from core.explain.probe import get_probe
from core.models.layers import find_layer

#: Sensible defaults: quick on a CPU, still a clear pattern.
DEFAULT_STEPS = 40

DEFAULT_STEP_SIZE = 0.03  # in 0..1 image units, per step, after gradient normalisation

DEFAULT_JITTER = 4  # pixels

DEFAULT_BLUR_EVERY = 2  # steps

DEFAULT_BLUR_SIGMA = 0.8  # pixels


@dataclass(frozen=True)
class ActivationMaximisation:
    """The picture found for one filter, and how its activation grew."""

    layer: str
    channel: int
    image: np.ndarray  # (H, W, 3) float32 in 0..1 (what the model was fed, ×255)
    history: tuple[float, ...]  # the objective before each step, then at the end
    objective: str  # what was maximised, in words
    steps: int

    @property
    def start_activation(self) -> float:
        return self.history[0]

    @property
    def final_activation(self) -> float:
        return self.history[-1]

    def display_image(self) -> np.ndarray:
        """The picture contrast-stretched to uint8 (1st..99th percentile) so faint patterns show."""
        low, high = np.percentile(self.image, [1.0, 99.0])
        scale = 1.0 / (high - low) if high > low else 1.0
        return np.clip(np.round((self.image - low) * scale * 255.0), 0, 255).astype(np.uint8)


def _objective_function(model: keras.Model, layer: str):
    """A compiled function: (image in 0..1, channel) -> (objective, gradient)."""
    found = find_layer(model, layer)
    if type(found) is keras.layers.Conv2D:
        # A Conv2D's own ReLU would give zero gradient wherever the filter is
        # silent (often everywhere on grey noise), so ascend its response
        # before the activation, computed from the layer's real input and weights.
        probe = get_probe(model, inputs=[layer])

        def response(image, channel):
            received = probe.keras_model(image * 255.0, training=False)[0]
            kernel = tf.gather(found.kernel, [channel], axis=-1)
            value = keras.ops.conv(received, kernel, strides=found.strides, padding=found.padding,
                                   dilation_rate=found.dilation_rate)
            if found.use_bias:
                value = value + tf.gather(found.bias, [channel])
            return tf.reduce_mean(value)
    else:
        probe = get_probe(model, outputs=[layer])

        def response(image, channel):
            produced = probe.keras_model(image * 255.0, training=False)[0]
            return tf.reduce_mean(tf.gather(produced, channel, axis=-1))

    @tf.function(reduce_retracing=True)
    def objective_and_gradient(image, channel):
        with tf.GradientTape() as tape:
            tape.watch(image)
            objective = response(image, channel)
        return objective, tape.gradient(objective, image)

    return objective_and_gradient


_OBJECTIVES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_OBJECTIVES_LOCK = threading.Lock()


def _cached_objective(model: keras.Model, layer: str):
    # One compiled function per (model, layer); the channel is a tensor argument
    # so changing filters does not recompile.
    with _OBJECTIVES_LOCK:
        per_model = _OBJECTIVES.setdefault(model, {})
        if layer not in per_model:
            per_model[layer] = _objective_function(model, layer)
        return per_model[layer]


def maximise_activation(
    model: keras.Model,
    layer: str,
    channel: int,
    steps: int = DEFAULT_STEPS,
    step_size: float = DEFAULT_STEP_SIZE,
    jitter: int = DEFAULT_JITTER,
    blur_every: int = DEFAULT_BLUR_EVERY,
    blur_sigma: float = DEFAULT_BLUR_SIGMA,
    seed: int = 0,
) -> ActivationMaximisation:
    """Gradient ascent from grey noise on the mean activation of ``channel`` in ``layer``."""
    found = find_layer(model, layer)
    channels = int(found.output.shape[-1])
    if len(found.output.shape) != 4:
        raise ValueError(f"{layer!r} has no feature maps (output shape {found.output.shape}).")
    if not 0 <= channel < channels:
        raise ValueError(f"Filter {channel} does not exist; {layer!r} has {channels}.")
    if steps < 1:
        raise ValueError("Use at least one step.")
    height, width = (int(v) for v in model.input_shape[1:3])
    rng = np.random.default_rng(seed)
    image = (0.5 + 0.05 * rng.standard_normal((1, height, width, 3))).astype(np.float32)
    objective_and_gradient = _cached_objective(model, layer)
    channel_tensor = tf.constant(channel, dtype=tf.int32)
    history: list[float] = []
    for step in range(steps):
        shift_rows, shift_cols = (int(v) for v in rng.integers(-jitter, jitter + 1, size=2)) if jitter else (0, 0)
        shifted = np.roll(image, (shift_rows, shift_cols), axis=(1, 2))
        objective, gradient = objective_and_gradient(tf.constant(shifted), channel_tensor)
        history.append(float(objective))
        gradient = np.roll(gradient.numpy(), (-shift_rows, -shift_cols), axis=(1, 2))
        # Normalising the gradient makes the step size mean the same for every layer.
        gradient /= float(np.sqrt(np.mean(gradient ** 2))) + 1e-8
        image = np.clip(image + step_size * gradient, 0.0, 1.0)
        if blur_every and blur_sigma > 0 and (step + 1) % blur_every == 0:
            image[0] = cv2.GaussianBlur(image[0], (0, 0), blur_sigma)
    final, _ = objective_and_gradient(tf.constant(image.astype(np.float32)), channel_tensor)
    history.append(float(final))
    objective = (
        "mean response of the filter before its activation function"
        if type(found) is keras.layers.Conv2D else "mean value of the feature map"
    )
    return ActivationMaximisation(
        layer=layer, channel=int(channel), image=image[0].astype(np.float32), history=tuple(history), steps=steps,
        objective=objective,
    )
