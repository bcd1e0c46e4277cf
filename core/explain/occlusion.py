"""Occlusion sensitivity: cover one part of the photo with a grey square and see how far the class score falls.

The square (``patch`` pixels a side, at the model's input size) slides over the
photo ``stride`` pixels at a time; every covered copy goes through the network
and the drop in :func:`core.explain.scores.class_score` (the logit) is noted.
Unlike Grad-CAM and saliency it asks the model itself, not its gradients, so it
also works where the gradient says little, at the price of one network run per
position. The covered copies run in batches through one traced function of the
project's probe, so the logits come straight from the last layer.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from core.arithmetic.numbers import format_number
from core.explain.heat_map import HeatMap, chosen_class, class_label, heat_place, where_sentence
from core.explain.scores import class_score, probabilities_from_logits
from core.models.probe import get_probe, model_input
from core.wording.percent import probability_percent

NAME = "Occlusion"

#: The grey the square is painted with, in the 0..255 pixels the network receives: neither dark nor bright.
GREY = 128.0
#: Default square: a quarter of the photo's shorter side, moved half its side at a time (7 × 7 places).
DEFAULT_PATCH_SHARE = 0.25
#: Covered copies per network call: two equal calls for the default 49 places and the photo itself. On 2 busy
#: cores 8 to 32 took the same time for the transfer model and 50 took longer (bench/explain.py).
BATCH_SIZE = 25
#: A smaller change of the score is float32 rounding between batches, not the model: it counts as no change.
UNCHANGED_BELOW = 1e-5
#: More places than this would keep a classroom server busy for minutes.
MAX_POSITIONS = 1600

_TRACE_LOCK = threading.Lock()
_LOGIT_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def default_patch(size: tuple[int, int]) -> int:
    """A quarter of the shorter side (at least 1 pixel)."""
    return max(1, round(min(size) * DEFAULT_PATCH_SHARE))


def default_stride(patch: int) -> int:
    """Half the patch, so neighbouring squares overlap by half."""
    return max(1, patch // 2)


def patch_starts(side: int, patch: int, stride: int) -> tuple[int, ...]:
    """Where the square's first row (or column) lies on a ``side``-pixel edge: evenly spread, at most ``stride``
    apart, the first and the last flush with the edges, so no strip stays uncovered and every cell of the grid is
    the same step."""
    span = side - patch
    count = math.ceil(span / stride) + 1
    return tuple(int(start) for start in np.round(np.linspace(0, span, count)))


def steps_text(tops: Sequence[int], lefts: Sequence[int]) -> str:
    """'19 pixels', or '18 to 19 pixels' when the even spread needs rounding; 'no pixels' for a single place."""
    gaps = sorted({int(gap) for starts in (tops, lefts) for gap in np.diff(starts)})
    if not gaps:
        return "no pixels"
    low, high = gaps[0], gaps[-1]
    return f"{low} {'pixel' if low == 1 else 'pixels'}" if low == high else f"{low} to {high} pixels"


def check_settings(size: tuple[int, int], patch: int, stride: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The square's top rows and left columns for a photo of ``size`` = (height, width), or a ValueError."""
    height, width = size
    if isinstance(patch, bool) or int(patch) != patch or not 1 <= patch <= min(height, width):
        raise ValueError(f"The patch must be a whole number of pixels from 1 to {min(height, width)} to fit the "
                         f"{height}×{width} photo the model sees, got {patch}.")
    if isinstance(stride, bool) or int(stride) != stride or not 1 <= stride <= patch:
        raise ValueError(f"The stride must be a whole number of pixels from 1 to the patch's {patch}: a longer step "
                         f"would leave strips no square ever covers. Got {stride}.")
    tops, lefts = patch_starts(height, int(patch), int(stride)), patch_starts(width, int(patch), int(stride))
    if len(tops) * len(lefts) > MAX_POSITIONS:
        raise ValueError(f"A {patch}-pixel patch moved {stride} pixels at a time needs {len(tops) * len(lefts)} "
                         f"network runs; at most {MAX_POSITIONS} are allowed. Take a larger patch or stride.")
    return tops, lefts


def _logit_function(model: keras.Model):
    """(the probe's logits, traced once per model into one graph for any batch size; seconds spent tracing now)."""
    function = _LOGIT_FUNCTIONS.get(model)
    if function is not None:
        return function, 0.0
    started = time.perf_counter()
    with _TRACE_LOCK:  # tracing builds the graph, which is not safe from two threads at once
        function = _LOGIT_FUNCTIONS.get(model)
        if function is None:
            probe = get_probe(model)
            signature = tf.TensorSpec((None, *model.input_shape[1:]), tf.float32)
            function = tf.function(lambda x: probe(x).logits).get_concrete_function(signature)
            _LOGIT_FUNCTIONS[model] = function
    return function, time.perf_counter() - started


def _covered_logits(model: keras.Model, clean: np.ndarray, corners: Sequence[tuple[int, int]], patch: int,
                    batch_size: int) -> tuple[np.ndarray, int, float]:
    """(logits of the photo followed by one covered copy per corner, float64; network calls; seconds tracing)."""
    function, tracing = _logit_function(model)
    jobs: list[tuple[int, int] | None] = [None, *corners]  # None: the photo itself, in the first batch
    outputs = []
    for start in range(0, len(jobs), batch_size):
        chunk = jobs[start:start + batch_size]
        batch = np.repeat(clean, len(chunk), axis=0)
        for copy, corner in zip(batch, chunk):
            if corner is not None:
                top, left = corner
                copy[top:top + patch, left:left + patch] = GREY
        outputs.append(function(tf.convert_to_tensor(batch)).numpy().astype(np.float64))
    return np.concatenate(outputs, axis=0), math.ceil(len(jobs) / batch_size), tracing


def pixel_map(drops: np.ndarray, tops: Sequence[int], lefts: Sequence[int], patch: int,
              size: tuple[int, int]) -> np.ndarray:
    """Each pixel's mean drop over the squares that covered it (signed, (height, width))."""
    total = np.zeros(size, np.float64)
    count = np.zeros(size, np.float64)
    for row, top in enumerate(tops):
        for column, left in enumerate(lefts):
            total[top:top + patch, left:left + patch] += drops[row, column]
            count[top:top + patch, left:left + patch] += 1
    return total / np.maximum(count, 1)


def explain(model: keras.Model, pixels: np.ndarray, class_index: int | None = None, *, patch: int | None = None,
            stride: int | None = None, class_names: Sequence[str] | None = None,
            batch_size: int = BATCH_SIZE) -> HeatMap:
    """How far the score of ``class_index`` (default: the predicted class) falls with each part of the photo covered.

    ``patch`` (default: a quarter of the shorter side) and ``stride`` (default: half the patch) are in pixels of the
    model's input; the squares are spread evenly, at most ``stride`` apart, from edge to edge. ``values`` (height,
    width) is each pixel's mean drop over the squares that covered it, negative means set to 0 and divided by the
    maximum (all zero when no square lowered the score). ``details`` holds ``drops`` (rows, columns: the signed drop
    of the logit for the square at ``tops[row]``, ``lefts[column]``), ``grid``, ``patch``, ``stride``, ``runs``
    (photos through the network, the uncovered one included), ``batches`` (network calls), ``seconds`` and
    ``tracing_seconds`` (the part of them spent building the graph: only on a model's first occlusion).
    """
    started = time.perf_counter()
    size = tuple(int(side) for side in model.input_shape[1:3])
    patch = default_patch(size) if patch is None else patch
    stride = default_stride(int(patch)) if stride is None else stride
    tops, lefts = check_settings(size, patch, stride)
    patch, stride = int(patch), int(stride)
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number of at least 1, got {batch_size}.")
    clean = model_input(model, pixels)
    corners = [(top, left) for top in tops for left in lefts]
    logits, batches, tracing = _covered_logits(model, clean, corners, patch, int(batch_size))
    probabilities = probabilities_from_logits(logits)
    predicted, chosen = chosen_class(probabilities[0], class_index)
    scores = np.asarray(class_score(logits, chosen), dtype=np.float64)
    drops = (scores[0] - scores[1:]).reshape(len(tops), len(lefts))
    signed = pixel_map(drops, tops, lefts, patch, size)
    peak = float(signed.max())
    values = (np.maximum(signed, 0.0) / peak if peak > 0 else np.zeros(size)).astype(np.float32)
    seconds = time.perf_counter() - started
    label = class_label(class_names, chosen)
    cost = cost_sentence(patch, tops, lefts, batches, seconds, tracing)
    change = largest_change(drops, scores, probabilities[:, chosen], tops, lefts, patch, size, label)
    caption = f"{where_sentence(NAME, label, values)} {cost} {change}"
    return HeatMap(
        technique=NAME, class_index=chosen, values=values, caption=caption, score=float(scores[0]),
        probability=float(probabilities[0, chosen]), predicted_class=predicted,
        details={"drops": drops.astype(np.float32), "grid": (len(tops), len(lefts)), "tops": tops, "lefts": lefts,
                 "patch": patch, "stride": stride, "runs": len(corners) + 1, "batches": batches, "seconds": seconds,
                 "tracing_seconds": tracing},
    )


def cost_sentence(patch: int, tops: Sequence[int], lefts: Sequence[int], batches: int, seconds: float,
                  tracing: float = 0.0) -> str:
    """What the map cost: the square, its places, the network runs and calls, and the time they took.

    ``tracing``: seconds of that time spent turning the network into one graph, which only the first occlusion of a
    model pays (its first batches also set up the arithmetic, so that first map is slower still)."""
    places = len(tops) * len(lefts)
    moved = ("covered the photo at 1 place" if places == 1 else
             f"moved {steps_text(tops, lefts)} at a time, covered {places} places ({len(tops)}×{len(lefts)})")
    return (f"A grey square of {patch}×{patch} pixels, {moved}: {places + 1} network runs with the uncovered photo, "
            f"in {batches} {'batch' if batches == 1 else 'batches'} and {seconds_text(seconds)}"
            + (f", the first for this model: it includes {seconds_text(tracing)} to build the network's graph once."
               if tracing > 0 else "."))


def seconds_text(seconds: float) -> str:
    """'1.3 s'; 'under 0.1 s' rather than a '0.0 s' that reads as free."""
    return "under 0.1 s" if seconds < 0.05 else f"{seconds:.1f} s"


def largest_change(drops: np.ndarray, scores: np.ndarray, class_probabilities: np.ndarray, tops: Sequence[int],
                   lefts: Sequence[int], patch: int, size: tuple[int, int], label: str) -> str:
    """The square that lowered the score most (or, when none did, the one that raised it most), in words."""
    row, column = np.unravel_index(int(np.argmax(drops)), drops.shape)
    lowered = drops[row, column] > 0
    if not lowered:
        row, column = np.unravel_index(int(np.argmin(drops)), drops.shape)
    where = np.zeros(size)
    where[tops[row]:tops[row] + patch, lefts[column]:lefts[column] + patch] = 1.0
    copy = 1 + row * len(lefts) + column  # the covered copy's row in the scores (0 is the photo)
    before, after = probability_percent(class_probabilities[0], 1), probability_percent(class_probabilities[copy], 1)
    # A confident model's probability can stay 'over 99.9%' while its score falls a lot: say so, not 'from x to x'.
    moved = f"stays {before}" if before == after else f"goes from {before} to {after}"
    change = (f"from {format_number(scores[0], 2)} to {format_number(scores[copy], 2)} (the probability of {label} "
              f"{moved})")
    if lowered:
        return f"Covering the {heat_place(where)} of the photo lowered the score for {label} most: {change}."
    if drops[row, column] == 0:
        return f"No square changed the score for {label} at all."
    return (f"No square lowered the score for {label}; covering the {heat_place(where)} of the photo raised it most: "
            f"{change}.")


def drops_sentence(heat: HeatMap, class_names: Sequence[str] | None = None) -> str:
    """What the grid of raw drops shows: in how many places covering lowered the score and in how many it raised it."""
    drops = np.asarray(heat.details["drops"])
    fell, rose = int((drops > UNCHANGED_BELOW).sum()), int((drops < -UNCHANGED_BELOW).sum())
    label = class_label(class_names, heat.class_index)
    same = drops.size - fell - rose
    unchanged = f"; in {same} it did not change" if same else ""
    return (f"One cell per place of the square, as on the photo: in {fell} of {drops.size} places the score for "
            f"{label} fell (blue, by the number shown), in {rose} it rose (orange){unchanged}.")
