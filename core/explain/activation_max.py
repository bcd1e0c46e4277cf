"""Activation maximisation: the input pattern that makes one filter fire most.

Start from grey noise and repeatedly nudge the picture in the direction that
raises the filter's mean response (gradient ascent). For a convolution the
response is its raw sums, taken before its ReLU (or the batch normalisation and
ReLU6 that follow it in MobileNet), so a filter that is silent on grey noise
still gets a gradient. Two light regularisers
keep the result looking like a pattern rather than pixel noise: a random
shift ("jitter") before each step, and a small blur every few steps.
The defaults take a few seconds on a laptop CPU for the classic model.

Some filters have no pattern to find: MobileNet's conv1 has filters whose
weights are all (nearly) zero, so no picture changes their response, and a
search can end no higher than it began. The result says so
(:attr:`ActivationMaximisation.found_pattern`) instead of passing noise off as
a pattern.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import cv2
import keras
import numpy as np
import tensorflow as tf

from core.explain.layer_sequence import map_stage
from core.models.layers import conv_layer_paths, find_layer
from core.models.probe import get_probe

#: Sensible defaults: quick on a CPU, still a clear pattern.
DEFAULT_STEPS = 40

DEFAULT_STEP_SIZE = 0.03  # in 0..1 image units, per step, after gradient normalisation

DEFAULT_JITTER = 4  # pixels

DEFAULT_BLUR_EVERY = 2  # steps

DEFAULT_BLUR_SIGMA = 0.8  # pixels

#: A filter whose largest weight is below this share of its layer's largest weight is silent: its response hardly
#: depends on the picture (MobileNet's conv1 has filters with weights of 1e-13 next to others of about 1).
SILENT_WEIGHT_SHARE = 1e-3

#: The search found a pattern only if the objective rose by more than this, by more than RELATIVE_RISE of its
#: starting size, and (where it is known) by more than REACH_SHARE of its reach: a rise within rounding of the
#: start, or a sliver of what the filter can do, leaves the picture as noise.
MIN_RISE = 0.01

RELATIVE_RISE = 0.05

REACH_SHARE = 0.02

#: A result whose every colour varies less than this over the picture (in 0..1) is one plain colour.
PLAIN_COLOUR_SPREAD = 0.02


@dataclass(frozen=True)
class ActivationMaximisation:
    """The picture found for one filter, and how its activation grew."""

    layer: str
    channel: int
    image: np.ndarray  # (H, W, 3) float32 in 0..1 (what the model was fed, ×255)
    history: tuple[float, ...]  # the objective before each step, then at the end
    objective: str  # what was maximised, in words
    steps: int
    #: For a convolution: the largest weight (in size) of this filter and of its whole layer; None otherwise.
    filter_weight: float | None = None
    layer_weight: float | None = None
    #: For the first convolution: the most its mean raw sum can differ between two pictures; None elsewhere.
    reach: float | None = None

    @property
    def start_activation(self) -> float:
        return self.history[0]

    @property
    def final_activation(self) -> float:
        return self.history[-1]

    @property
    def silent(self) -> bool:
        """The filter's weights are all (nearly) zero next to its layer's, so no picture can change its response."""
        if self.filter_weight is None or self.layer_weight is None:
            return False
        return self.filter_weight <= SILENT_WEIGHT_SHARE * self.layer_weight

    @property
    def rise(self) -> float:
        return self.final_activation - self.start_activation

    @property
    def rose(self) -> bool:
        """The objective rose by a clear margin (see MIN_RISE, RELATIVE_RISE and REACH_SHARE)."""
        margin = max(MIN_RISE, RELATIVE_RISE * abs(self.start_activation), REACH_SHARE * (self.reach or 0.0))
        return self.rise > margin

    @property
    def found_pattern(self) -> bool:
        return self.rose and not self.silent

    def plain_colour(self) -> tuple[float, float, float] | None:
        """The picture's (red, green, blue) in 0..1 when it is one plain colour, else None."""
        pixels = self.image.reshape(-1, 3)
        if float(pixels.std(axis=0).max()) >= PLAIN_COLOUR_SPREAD:
            return None
        red, green, blue = (float(value) for value in pixels.mean(axis=0))
        return red, green, blue

    def display_image(self) -> np.ndarray:
        """The picture contrast-stretched to uint8 (1st..99th percentile) so faint patterns show.

        A plain colour is shown as it is: stretching would change the colour the caption names.
        """
        if self.plain_colour() is not None:
            return np.clip(np.round(self.image * 255.0), 0, 255).astype(np.uint8)
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
        raise ValueError(f"Filter {channel + 1} does not exist; {layer!r} has {channels} (counted from 1).")
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
    filter_weight = layer_weight = reach = None
    if type(found) is keras.layers.Conv2D:
        kernel = np.abs(keras.ops.convert_to_numpy(found.kernel))
        filter_weight, layer_weight = float(kernel[..., channel].max()), float(kernel.max())
        if layer == conv_layer_paths(model)[0]:
            reach = first_layer_reach(model, layer, kernel[..., channel])
    return ActivationMaximisation(
        layer=layer, channel=int(channel), image=image[0].astype(np.float32), history=tuple(history), steps=steps,
        objective=objective_words(model, layer), filter_weight=filter_weight, layer_weight=layer_weight, reach=reach,
    )


def first_layer_reach(model: keras.Model, layer: str, weights: np.ndarray) -> float:
    """The most the first convolution's mean raw sum can differ between two pictures: Σ|weight| × input span.

    The photo reaches the first convolution through affine steps only (rescaling), so a black and a white
    picture give each input channel's span. ``weights`` is one filter's (kh, kw, in) kernel, in size.
    """
    height, width = (int(value) for value in model.input_shape[1:3])
    received = get_probe(model, inputs=[layer]).keras_model
    black, white = (keras.ops.convert_to_numpy(received(np.full((1, height, width, 3), level, np.float32),
                                                        training=False)[0]) for level in (0.0, 255.0))
    span = np.abs(white - black).max(axis=(0, 1, 2))
    return float((np.abs(weights) * span).sum())


def objective_words(model: keras.Model, layer: str) -> str:
    """What the search maximises for ``layer``, in words: 'mean of the filter's raw sums, before its relu'."""
    if type(find_layer(model, layer)) is not keras.layers.Conv2D:
        return "mean value of the feature map"
    stage = map_stage(model, layer)
    if stage.own_activation:
        before = f", before its {'ReLU' if stage.own_activation == 'relu' else stage.own_activation}"
    elif stage.followers:
        before = f", before {' and '.join(kind for _, kind in stage.followers)} act on them"
    else:
        before = " (the layer has no activation)"
    return f"mean of the filter's raw sums over the picture{before}"
