"""The fine-tuned top blocks of a transfer model's MobileNet base: which layers they are, saved and loaded.

A fine-tuned transfer model ships its head (``head.keras``) and only the
layers of the base that training changed (``fine_tuned.keras``, a small Keras
model holding those layers). Loading builds the ImageNet base from its weight file
as usual and then copies the fine-tuned layers' weights over the same-named
layers, so the repository never holds ImageNet's own weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras

#: MobileNet v1 has 13 depthwise-separable blocks; "top N" counts from the last.
MOBILENET_BLOCKS = 13

#: The file in a model folder that holds the fine-tuned blocks.
FINE_TUNED_FILE = "fine_tuned.keras"


def top_block_layers(base: keras.Model, blocks: int) -> list[keras.layers.Layer]:
    """The layers of MobileNet's last ``blocks`` blocks, in order (a stride-2 block starts with its padding)."""
    if not 1 <= blocks <= MOBILENET_BLOCKS:
        raise ValueError(f"MobileNet has {MOBILENET_BLOCKS} blocks; choose 1 to {MOBILENET_BLOCKS} to fine-tune, "
                         f"not {blocks}.")
    first_block = MOBILENET_BLOCKS - blocks + 1
    names = [layer.name for layer in base.layers]
    start_name = f"conv_pad_{first_block}" if f"conv_pad_{first_block}" in names else f"conv_dw_{first_block}"
    if start_name not in names:
        raise ValueError(f"{base.name} is not a MobileNet base: it has no layer {start_name}.")
    return base.layers[names.index(start_name):]


def save_fine_tuned(base: keras.Model, layer_names: Sequence[str], path: Path) -> None:
    """Save only the named layers (their configs and trained weights) as a small Keras model.

    The layers need not follow each other (the batch norms between the tuned
    convolutions are not saved), so the file is a model with one input per
    layer: a container for the layers, not a network to run.
    """
    import keras  # here, as in apply_fine_tuned: the module's file name is read before TensorFlow is loaded

    if not layer_names:
        raise ValueError("There are no fine-tuned layers to save.")
    names = {layer.name for layer in base.layers}
    missing = [name for name in layer_names if name not in names]
    if missing:
        raise ValueError(f"The base {base.name} has no layers {missing}.")
    inputs, outputs = [], []
    for name in layer_names:
        layer = base.get_layer(name)
        copy = type(layer).from_config(layer.get_config())
        layer_input = keras.Input(shape=tuple(layer.input.shape[1:]), name=f"{name}_input")
        outputs.append(copy(layer_input))
        inputs.append(layer_input)
        copy.set_weights(layer.get_weights())
    keras.Model(inputs, outputs, name="fine_tuned_layers").save(path)


def apply_fine_tuned(base: keras.Model, path: Path) -> list[str]:
    """Copy the weights saved by :func:`save_fine_tuned` into the same-named layers of a fresh base.

    Those layers are also marked trainable and the rest of the base frozen, so
    the pages that say what was trained here (parameter tables, filters, the
    glossary) say it of exactly these layers.
    """
    import keras

    saved = keras.saving.load_model(path, safe_mode=True, compile=False)
    changed = []
    for layer in saved.layers:
        if not layer.weights:
            continue
        try:
            target = base.get_layer(layer.name)
        except ValueError as error:
            raise ValueError(f"{path} holds a layer {layer.name!r} that the MobileNet base does not have.") from error
        shapes = [tuple(weight.shape) for weight in layer.weights]
        if shapes != [tuple(weight.shape) for weight in target.weights]:
            raise ValueError(f"{path}: layer {layer.name!r} has weights of shapes {shapes}, which do not fit "
                             f"the base's {[tuple(weight.shape) for weight in target.weights]}.")
        target.set_weights(layer.get_weights())
        changed.append(layer.name)
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name in changed
    return changed
