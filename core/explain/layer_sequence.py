"""Sentences read from a model's real layer sequence: what a shown map is, where maps shrink, what a value sees.

Every model here is a chain of layers (nested models included), so the layers
that act on a map are the ones that follow it in call order. A convolution in
``compact`` or in MobileNet has no activation of its own: batch normalisation
and ReLU follow as separate layers, so its maps are raw sums that can be
negative. ``classic``'s convolutions apply ReLU themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

from core.models.layers import CONV_TYPES, POOL_TYPES, walk_layers

#: Layers that act on a map without changing its shape: they sit between a convolution and the next layer.
FOLLOWERS = (keras.layers.BatchNormalization, keras.layers.ReLU, keras.layers.Activation)


def _activation_name(layer: keras.layers.Layer) -> str:
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    return "" if name == "linear" else name


def relu_name(layer: keras.layers.Layer) -> str:
    """'ReLU' or 'ReLU6' (MobileNet caps its ReLU at 6)."""
    max_value = getattr(layer, "max_value", None)
    return f"ReLU{float(max_value):g}" if max_value is not None else "ReLU"


def _is_relu(layer: keras.layers.Layer) -> bool:
    return isinstance(layer, keras.layers.ReLU) or _activation_name(layer) == "relu"


@dataclass(frozen=True)
class MapStage:
    """One feature layer and the shape-keeping layers that act on its maps before the next layer reads them."""

    layer: str
    layer_type: str
    own_activation: str  # "relu", "" ...
    followers: tuple[tuple[str, str], ...]  # (path, "BatchNormalization" | "ReLU" | "ReLU6" | activation)
    input_after_relu: bool  # pooling: whether the maps it reads have been through a ReLU
    pool_size: tuple[int, int] | None = None
    pool_strides: tuple[int, int] | None = None

    @property
    def is_pooling(self) -> bool:
        return self.pool_size is not None

    @property
    def shown_after_relu(self) -> bool:
        """True when the shown values are never negative (a ReLU has already acted on them)."""
        return self.own_activation == "relu" or (self.is_pooling and self.input_after_relu)

    @property
    def sentence(self) -> str:
        """What the shown maps are, in words (markdown)."""
        name = f"**{self.layer}**"
        if self.is_pooling:
            window = f"{self.pool_size[0]}×{self.pool_size[1]}"
            text = (f"{name} keeps the largest value of each {window} window (stride {self.pool_strides[0]}) "
                    "of the maps before it")
            if self.input_after_relu:
                return text + (", which have been through ReLU: bright yellow = a strong find nearby, "
                               "dark purple = none.")
            return text + "."
        if self.own_activation == "relu":
            return (f"{name}'s maps are shown after its own ReLU: 0 (dark purple) where the filter's pattern is absent "
                    "(the sum was negative), brighter (up to yellow) the more strongly the input matched the filter.")
        if not self.followers:
            return (f"{name}'s maps are its raw sums (it has no activation): a large value means the input "
                    "matched the filter, a negative one means the opposite pattern.")
        steps = " and then ".join(f"**{path}** ({kind})" for path, kind in self.followers)
        relus = [kind for _, kind in self.followers if kind.startswith("ReLU")]
        text = (f"{name}'s maps are shown as the convolution's raw sums, before {steps} act on them. Values here can "
                "be negative (orange: the opposite of the filter's pattern); blue means a large sum.")
        if any(kind == "BatchNormalization" for _, kind in self.followers):
            text += (" Batch normalisation then shifts and rescales each map, so the next layer does not see "
                     "exactly this picture")
            text += f", and {relus[0]} {_relu_effect(relus[0])}." if relus else "."
        elif relus:
            text += f" {relus[0]} then {_relu_effect(relus[0])}."
        return text


def _relu_effect(name: str) -> str:
    """What a ReLU does, 'ReLU6' included: 'sets every negative value to 0 (and caps values at 6)'."""
    cap = name.removeprefix("ReLU")
    return "sets every negative value to 0" + (f" (and caps values at {cap})" if cap else "")


def _pair(value) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[1])


def map_stage(model: keras.Model, path: str) -> MapStage:
    """What acts on ``path``'s maps, read from the layers around it in call order."""
    walked = list(walk_layers(model))
    paths = [walked_path for walked_path, _ in walked]
    if path not in paths:
        raise ValueError(f"No layer {path!r} in {model.name!r}.")
    position = paths.index(path)
    layer = walked[position][1]
    followers = []
    for follower_path, follower in walked[position + 1:]:
        if not isinstance(follower, FOLLOWERS):
            break
        if isinstance(follower, keras.layers.BatchNormalization):
            followers.append((follower_path, "BatchNormalization"))
        elif isinstance(follower, keras.layers.ReLU):
            followers.append((follower_path, relu_name(follower)))
        else:
            followers.append((follower_path, _activation_name(follower) or "Activation"))
    input_after_relu = False
    for _, earlier in reversed(walked[:position]):
        if _is_relu(earlier):
            input_after_relu = True
            break
        if isinstance(earlier, CONV_TYPES + POOL_TYPES + (keras.layers.Dense,)):
            break  # a convolution without its own ReLU: the pooling reads raw sums
    pooling = isinstance(layer, POOL_TYPES)
    return MapStage(
        layer=path, layer_type=type(layer).__name__, own_activation=_activation_name(layer),
        followers=tuple(followers), input_after_relu=input_after_relu,
        pool_size=_pair(layer.pool_size) if pooling else None,
        pool_strides=_pair(layer.strides) if pooling else None,
    )


def _spatial_side(layer: keras.layers.Layer, which: str) -> int | None:
    try:
        shape = getattr(layer, which).shape
    except (AttributeError, ValueError):
        return None
    return int(shape[1]) if len(shape) == 4 and shape[1] is not None else None


def shrinking_layers(model: keras.Model) -> list[tuple[str, str, int, int]]:
    """(path, how, side before, side after) for every layer that makes the maps smaller, in call order.

    ``how`` is "pooling" or "stride-2 convolution" (any stride above 1); a
    'valid' convolution's lost border is not counted as shrinking.
    """
    shrinking = []
    for path, layer in walk_layers(model):
        if not isinstance(layer, CONV_TYPES + POOL_TYPES):
            continue
        before, after = _spatial_side(layer, "input"), _spatial_side(layer, "output")
        if before is None or after is None:
            continue
        if isinstance(layer, POOL_TYPES):
            shrinking.append((path, "pooling", before, after))
        elif max(_pair(layer.strides)) > 1:
            shrinking.append((path, f"stride-{max(_pair(layer.strides))} convolution", before, after))
    return shrinking


def _steps(shrinking: list[tuple[str, str, int, int]], most: int = 6) -> str:
    """'**pool1** (148 → 74), **pool2** (72 → 36) and 2 more'."""
    shown = [f"**{path}** ({before} → {after})" for path, _, before, after in shrinking[:most]]
    if len(shrinking) > most:
        shown.append(f"{len(shrinking) - most} more")
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]


def shrink_sentence(model: keras.Model) -> str:
    """How this model makes its maps smaller: pooling layers, strided convolutions, or both."""
    shrinking = shrinking_layers(model)
    if not shrinking:
        return "No layer of this model makes the maps smaller."
    pooling = [step for step in shrinking if step[1] == "pooling"]
    strided = [step for step in shrinking if step[1] != "pooling"]
    parts = []
    if pooling:
        parts.append(f"pooling ({_steps(pooling)}) keeps one value of each small block")
    if strided:
        parts.append(f"convolutions with a stride above 1 ({_steps(strided)}) move their window several pixels "
                     "at a time, so they make the maps smaller themselves")
    text = "In this model " + "; ".join(parts) + "."
    if strided and not pooling:
        text += " There is no pooling layer: the strided convolutions do the shrinking."
    return text


@dataclass(frozen=True)
class ReceptiveField:
    """How many input pixels one value of a layer depends on (its receptive field), and its step on the photo."""

    layer: str
    size: int  # side of the square of photo pixels that can change this value
    jump: int  # photo pixels between two neighbouring values of this layer


def receptive_fields(model: keras.Model) -> list[ReceptiveField]:
    """The receptive field of every convolution and pooling layer, in call order.

    Each k×k window with stride s grows the field by (k − 1) × the current
    step and multiplies the step by s: a 3×3 convolution on the photo sees 3×3
    pixels, a 2×2 pooling after it 4×4, the next 3×3 convolution 8×8.
    """
    size, jump = 1, 1
    fields = []
    for path, layer in walk_layers(model):
        if isinstance(layer, CONV_TYPES):
            kernel = max(_pair(layer.kernel_size))
            dilation = max(_pair(getattr(layer, "dilation_rate", 1)))
            stride = max(_pair(layer.strides))
            size += (kernel - 1) * dilation * jump
        elif isinstance(layer, POOL_TYPES):
            kernel, stride = max(_pair(layer.pool_size)), max(_pair(layer.strides))
            size += (kernel - 1) * jump
        else:
            continue
        jump *= stride
        fields.append(ReceptiveField(path, size, jump))
    return fields


def receptive_field_sentence(model: keras.Model, path: str) -> str:
    """'One value of **conv3** depends on an 18×18 patch of the 150×150 photo (its receptive field) ...'."""
    fields = {field.layer: field for field in receptive_fields(model)}
    if path not in fields:
        raise ValueError(f"{path!r} is not a convolution or pooling layer of {model.name!r}.")
    field = fields[path]
    side = int(model.input_shape[1])
    square = f"{_article(field.size)} {field.size}×{field.size}"
    patch = (f"{square} patch of the {side}×{side} photo" if field.size < side
             else f"{square} window, more than the whole {side}×{side} photo")
    return (f"One value of **{path}** depends on {patch}: its **receptive field**. Each layer's window "
            "covers several values of the layer before, so deeper layers see larger parts of the photo "
            "and can respond to larger things (an ear, a face) rather than an edge.")


def _article(number: int) -> str:
    """'an' before numbers said with a vowel sound (8, 11, 18, 80, 800...), else 'a'."""
    digits = str(number)
    spoken_vowel = digits.startswith("8") or (digits[:2] in ("11", "18") and len(digits) % 3 == 2)
    return "an" if spoken_vowel else "a"


def receptive_field_summary(model: keras.Model, most: int = 8) -> str:
    """The receptive field growing through the model: 'conv1 3×3 → pool1 4×4 → … → pool4 48×48'."""
    fields = receptive_fields(model)
    if not fields:
        return ""
    shown = fields if len(fields) <= most else fields[: most // 2] + fields[-(most // 2):]
    parts = [f"{field.layer.split('/')[-1]} {field.size}×{field.size}" for field in shown]
    if len(fields) > most:
        parts.insert(most // 2, "…")
    return " → ".join(parts)
