"""Step 5: what the first layer's filters find, and how deeper layers' maps get smaller and more abstract."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from core.arithmetic.numbers import format_count
from core.explain.feature_maps import (
    FeatureMaps,
    compute_feature_maps,
    reported_shapes,
    shape_label,
)
from core.lesson.checkpoint import StepText, checkpoint
from core.models.layers import feature_layer_paths


@dataclass(frozen=True)
class ShapeRow:
    layer: str  # path
    shape: tuple[int, ...]

    @property
    def label(self) -> str:
        return shape_label(self.shape)


@dataclass(frozen=True, eq=False)
class DeeperLesson:
    input_shape: tuple[int, int, int]
    chain: tuple[ShapeRow, ...]  # every layer where the maps' shape changes, in order
    pictured: tuple[FeatureMaps, ...]  # the first, a middle and the last feature layer, for this photo

    @property
    def chain_text(self) -> str:
        return chain_text(self.input_shape, self.chain)


def chain_text(input_shape: tuple[int, ...], chain: tuple[ShapeRow, ...]) -> str:
    """'150×150×3 → 148×148×32 → …': the input, then every shape the maps take."""
    return " → ".join([shape_label(input_shape), *[row.label for row in chain]])


def shape_trend(input_shape: tuple[int, ...], chain: tuple[ShapeRow, ...]) -> str:
    """'they get smaller and more numerous, 20×20×3 → …', computed from the shapes.

    Every step that goes against that direction is named: MobileNet's head turns 12×12×256 into 12×12×128, the
    same size but fewer maps.
    """
    maps = [tuple(input_shape), *[row.shape for row in chain]]
    if any(len(shape) != 3 for shape in maps):
        return f"their shapes go {chain_text(input_shape, chain)}"
    # The usual direction (smaller maps, more of them) is claimed only when the shapes take it, and every step
    # against it is named.
    first = maps[0]
    size = "smaller" if min(shape[0] * shape[1] for shape in maps) < first[0] * first[1] else ""
    count = "more numerous" if max(shape[2] for shape in maps) > first[2] else ""
    trend = " and ".join(word for word in (size, count) if word) or "change shape"
    against = []
    for before, row in zip(maps, chain):
        after = row.shape
        grows = bool(size) and after[0] * after[1] > before[0] * before[1]
        fewer = bool(count) and after[2] < before[2]
        if not (grows or fewer):
            continue
        what = " and ".join(word for word, said in (("larger", grows), ("fewer", fewer)) if said)
        keeps = f"keeps them {after[0]}×{after[1]} but " if after[:2] == before[:2] else ""
        against.append(f"`{row.layer.split('/')[-1]}`, which {keeps}makes them {what} "
                       f"({shape_label(before)} → {shape_label(after)})")
    exceptions = f", except at {'; and at '.join(against)}" if against else ""
    return f"{'overall ' if against else ''}they get {trend}, {chain_text(input_shape, chain)}{exceptions}"


def shape_changes(model: keras.Model) -> tuple[ShapeRow, ...]:
    """The feature layers at which the output shape changes (MobileNet's 27 convolutions shrink to about 14 rows)."""
    rows: list[ShapeRow] = []
    previous = tuple(int(v) for v in model.input_shape[1:])
    for path, shape in reported_shapes(model).items():
        if shape != previous:
            rows.append(ShapeRow(path, shape))
            previous = shape
    return tuple(rows)


def pictured_layers(model: keras.Model) -> list[str]:
    """First, middle and last feature layers (fewer when the model has fewer)."""
    paths = feature_layer_paths(model)
    if not paths:
        raise ValueError(f"{model.name!r} has no convolution or pooling layers.")
    chosen = [paths[0], paths[len(paths) // 2], paths[-1]]
    return list(dict.fromkeys(chosen))


def deeper_lesson(model: keras.Model, pixels: np.ndarray) -> DeeperLesson:
    maps = compute_feature_maps(model, pixels, pictured_layers(model))
    return DeeperLesson(input_shape=tuple(int(v) for v in model.input_shape[1:]), chain=shape_changes(model),
                        pictured=tuple(maps))


def strongest_map(maps: FeatureMaps) -> tuple[int, np.ndarray]:
    """(channel, map as 0..255 grey pixels) of the map with the largest mean: what lights up most."""
    channel = int(maps.order[0])
    values = maps.activations[..., channel].astype(np.float64)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) / (high - low) if high > low else np.zeros_like(values)
    return channel, np.round(scaled * 255).astype(np.uint8)


def deeper_text(lesson: DeeperLesson) -> StepText:
    first, last = lesson.pictured[0], lesson.pictured[-1]
    rows, cols, channels = last.shape
    sentences = (
        (f"The first layer's {first.shape[2]} filters each make a {first.shape[0]}×{first.shape[1]} map: bright "
        "where its pattern (an edge, a colour, a texture) is in the photo."),
        f"Each deeper layer combines the maps before it: {shape_trend(lesson.input_shape, lesson.chain)}.",
        (f"The last maps are only {rows}×{cols} but there are {format_count(channels)} of them: each says whether "
        "something like an ear, an eye or fur is roughly there, no longer where each edge is."),
    )
    question = f"How many maps does the last layer shown ({last.layer.split('/')[-1]}, {last.label}) make?"
    wrong = [format_count(rows), format_count(rows * cols), format_count(first.shape[2])]
    why = f"The last number of {last.label} counts the maps: {format_count(channels)}."
    return StepText(sentences, checkpoint(question, format_count(channels), wrong, why, position=2))
