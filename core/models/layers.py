"""Finding and walking a model's layers, nested models included (paths like "mobilenet/conv1")."""

from __future__ import annotations

import keras

#: Layer types whose outputs count as feature maps.
CONV_TYPES = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D)

POOL_TYPES = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)


SEPARATOR = "/"


def trained_layer_names(model: keras.Model) -> list[str]:
    """The layers of ``model`` whose weights training changes here (a fine-tuned base: only its tuned layers)."""
    if not model.trainable:
        return []
    return [layer.name for layer in model.layers if layer.trainable and layer.trainable_weights]


def inner_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """A model's layers in call order, without its input layers."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def find_layer(model: keras.Model, path: str) -> keras.layers.Layer:
    """The layer at ``path`` (``"conv1"`` or ``"outer_layer/inner_layer"``)."""
    container: keras.layers.Layer = model
    for part in path.split(SEPARATOR):
        if not isinstance(container, keras.Model):
            raise ValueError(f"{path!r}: {container.name!r} is a layer, not a model, so it holds no {part!r}.")
        try:
            container = container.get_layer(part)
        except ValueError:
            names = ", ".join(layer.name for layer in inner_layers(container))
            raise ValueError(f"No layer {part!r} in {container.name!r} (it has: {names}).") from None
    return container


def walk_layers(model: keras.Model, prefix: str = ""):
    """Every (path, layer) in call order, descending into nested models."""
    for layer in inner_layers(model):
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model):
            yield from walk_layers(layer, path + SEPARATOR)
        else:
            yield path, layer


def conv_layer_paths(model: keras.Model, include_depthwise: bool = True) -> list[str]:
    """Paths of every convolution layer, in call order (nested models included)."""
    if include_depthwise:
        return [path for path, layer in walk_layers(model) if isinstance(layer, CONV_TYPES)]
    return [path for path, layer in walk_layers(model) if type(layer) is keras.layers.Conv2D]


def feature_layer_paths(model: keras.Model) -> list[str]:
    """Paths of every convolution and (non-global) pooling layer, in call order."""
    return [path for path, layer in walk_layers(model) if isinstance(layer, CONV_TYPES + POOL_TYPES)]


def layer_kind(layer: keras.layers.Layer) -> str:
    if isinstance(layer, CONV_TYPES):
        return "convolution"
    if isinstance(layer, POOL_TYPES):
        return "pooling"
    return layer.__class__.__name__
