"""The Architecture page's glossary: what each kind of layer does, written from the model's own layers.

Each entry is computed from the first layer of its kind (its kernel, stride,
rate, padding and shapes), nested models included, so the transfer model's
head, its sigmoid and MobileNet's layers are explained with their real
numbers. After the layer kinds come the ideas the model relies on: weight
sharing, the receptive field, and (for a model with a pretrained base)
transfer learning and fine-tuning.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import keras

from core.arithmetic.numbers import count_text, format_count, format_number
from core.explain.layer_sequence import receptive_field_summary, relu_name
from core.models.layers import CONV_TYPES, POOL_TYPES, trained_layer_names


@dataclass(frozen=True)
class GlossaryEntry:
    """One kind of layer (or one idea) and what it does."""

    title: str
    text: str


def _sides(shape) -> str:
    return "×".join(str(int(value)) for value in shape[1:])


def _pair(value) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _activation(layer: keras.layers.Layer) -> str:
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", "") if activation is not None else ""
    return "" if name == "linear" else name


def all_layers(model: keras.Model) -> Iterator[keras.layers.Layer]:
    """Every layer in call order; a nested model comes first as itself, then its own layers."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def _next_layer(model: keras.Model, layer: keras.layers.Layer) -> keras.layers.Layer | None:
    flat = [candidate for candidate in all_layers(model) if not isinstance(candidate, keras.Model)]
    for position, candidate in enumerate(flat):
        if candidate is layer and position + 1 < len(flat):
            return flat[position + 1]
    return None


def _rescaling(layer: keras.layers.Rescaling) -> str:
    scale, offset = float(layer.scale), float(layer.offset)
    low, high = offset, 255 * scale + offset
    formula = f"pixel ÷ {format_number(1 / scale)}" if scale > 0 else f"pixel × {format_number(scale)}"
    if offset:
        formula += f" {'+' if offset > 0 else '−'} {format_number(abs(offset))}"
    return (f"Computes {formula} for every value, so the numbers run from {format_number(low)} to "
            f"{format_number(high)} instead of 0 to 255: networks learn more easily from small numbers. No weights.")


def _conv(model: keras.Model, layer: keras.layers.Conv2D) -> str:
    convs = [candidate for candidate in all_layers(model) if type(candidate) is keras.layers.Conv2D]
    sizes = list(dict.fromkeys("×".join(map(str, _pair(conv.kernel_size))) for conv in convs))
    text = (f"Slides small filters over its input ({' and '.join(sizes)} in this model). At each position a filter "
            "multiplies the numbers under its window by its weights and adds them up, plus a bias: the result is "
            "large where the input looks like the filter's pattern. Each filter gives one feature map.")
    if "1×1" in sizes:
        text += " A 1×1 filter looks at one position only: it mixes the channels there into new ones."
    if any(max(_pair(conv.strides)) > 1 for conv in convs):
        text += " A stride of 2 moves the window 2 pixels at a time, which halves height and width."
    if any(not conv.use_bias for conv in convs):
        text += " Layers without a bias leave the shift to the batch normalisation after them."
    if _activation(layer) == "relu":
        text += " Then ReLU: negative results become 0."
    return text


def _depthwise(layer: keras.layers.DepthwiseConv2D) -> str:
    height, width = _pair(layer.kernel_size)
    channels = int(layer.input.shape[-1])
    return (f"Filters each channel on its own with a {height}×{width} window ({layer.name}: {height * width} weights "
            f"per channel, {format_count(height * width * channels)} in all, where a full {height}×{width} "
            f"convolution with as many filters would need {format_count(height * width * channels * channels)}). "
            "A 1×1 convolution after it then mixes the channels: MobileNet's cheap two-step convolution.")


def _has_offsets(model: keras.Model) -> bool:
    """The model adds constants of its own: biases, batch normalisation's shifts or a rescaling offset."""
    return any(getattr(layer, "use_bias", False) or isinstance(layer, keras.layers.BatchNormalization)
               or (isinstance(layer, keras.layers.Rescaling) and float(layer.offset) != 0)
               for layer in all_layers(model) if not isinstance(layer, keras.Model))


def _relu(model: keras.Model, layer: keras.layers.Layer) -> str:
    name = relu_name(layer) if isinstance(layer, keras.layers.ReLU) else "ReLU"
    cap = name.removeprefix("ReLU")
    rule = f"min(max(0, x), {cap}): negative numbers become 0 and numbers above {cap} become {cap}" if cap else \
        "max(0, x): positive numbers pass unchanged, negative ones become 0"
    # Stacked weighted sums with biases collapse into one weighted sum plus one bias (an affine map), not into a
    # proportional one: doubling the input doubles the scores only when nothing adds a constant.
    doubling = ("because of its biases, doubling the input would not double the scores, but every score would "
                "still be a straight-line (affine) function of the inputs" if _has_offsets(model) else
                "with no biases in this model, doubling the input would double every score")
    return (f"{name} computes {rule}. Why it matters: weighted sums plus biases followed by more weighted sums "
            "plus biases are still one weighted sum plus one bias, so without ReLU a deep network could do no "
            f"more than a single linear layer ({doubling}). Cutting negatives to 0 gives each value an on/off "
            "threshold, and many thresholds together let the network separate cats from dogs along bent, "
            "complicated boundaries instead of one straight cut.")


def _pooling(layer: keras.layers.Layer) -> str:
    size, stride = _pair(layer.pool_size), _pair(layer.strides)
    how = "largest value" if isinstance(layer, keras.layers.MaxPooling2D) else "average"
    before, after = int(layer.input.shape[1]), int(layer.output.shape[1])
    text = (f"Keeps the {how} of each {size[0]}×{size[1]} window, moving {stride[0]} at a time, so height and "
            f"width shrink {before} → {after} at {layer.name} (an odd last row or column is dropped).")
    if isinstance(layer, keras.layers.MaxPooling2D):
        text += " The strongest responses survive, and a pattern shifted by a pixel still counts."
    return text + " No weights."


def _global_pool(layer: keras.layers.Layer) -> str:
    return (f"Averages each whole feature map to one number: {_sides(layer.input.shape)} becomes "
            f"{format_count(int(layer.output.shape[-1]))} values, one per channel. Far fewer numbers reach the next "
            "layer than with Flatten. No weights.")


def _flatten(layer: keras.layers.Layer) -> str:
    return (f"Lays the feature maps out as one long list ({_sides(layer.input.shape)} = "
            f"{format_count(int(layer.output.shape[-1]))} numbers) so that a Dense layer can read them. No weights.")


def _dense(layer: keras.layers.Dense) -> str:
    inputs, units = int(layer.input.shape[-1]), int(layer.units)
    text = (f"Each of its {format_count(units)} units computes a weighted sum of all {format_count(inputs)} inputs "
            "plus a bias (z = w·x + b), then applies its activation: one weight per input per unit, which is why "
            "a Dense layer right after Flatten holds most of a model's parameters.")
    return text + (" Then ReLU: negative results become 0." if _activation(layer) == "relu" else "")


def _dropout(layer: keras.layers.Dropout) -> str:
    rate = float(layer.rate)
    return (f"During training only, sets a random {rate:.0%} of the values to 0 and multiplies the rest by "
            f"1 / (1 − {format_number(rate)}) ≈ {1 / (1 - rate):.2f}, so the total reaching the next layer stays "
            "the same on average. The network cannot rely on any single value. When predicting, it passes every "
            "value through unchanged. No weights.")


def _batch_norm(layer: keras.layers.Layer) -> str:
    return ("Re-centres and re-scales each channel using the batch's mean and spread (when predicting, averages "
            "tracked during training), then applies a learned scale γ and shift β. Training becomes faster and "
            "steadier.")


def _zero_padding(model: keras.Model, layer: keras.layers.ZeroPadding2D) -> str:
    (top, bottom), (left, right) = layer.padding
    before, padded = _sides(layer.input.shape), _sides(layer.output.shape)
    sides = [f"{count_text(count, 'row' if where in ('top', 'bottom') else 'column')} at the {where}"
             for where, count in (("top", top), ("bottom", bottom), ("left", left), ("right", right)) if count]
    text = f"Adds zeros around the maps ({layer.name}: {', '.join(sides)}; {before} → {padded})."
    following = _next_layer(model, layer)
    if isinstance(following, CONV_TYPES) and max(_pair(following.strides)) > 1:
        text += (f" It does not keep the size: it gives the stride-{max(_pair(following.strides))} convolution "
                 f"{following.name} after it full windows at the edge, and that convolution then shrinks the maps "
                 f"to {_sides(following.output.shape)}.")
    elif isinstance(following, CONV_TYPES):
        text += f" With it, the convolution {following.name} after it keeps the size it had before the padding."
    return text + " No weights."


def _output(layer: keras.layers.Dense) -> str:
    if _activation(layer) == "softmax":
        return "The output units use softmax: one probability per class, all adding up to 1."
    return (f"The layer {layer.name} is one unit with sigmoid, 1 / (1 + e^−z): it turns the weighted sum z of its "
            f"{format_count(int(layer.input.shape[-1]))} inputs into a probability between 0 and 1. Above 0.5 "
            "means the second class (the class folders in alphabetical order: for cats and dogs, dogs); "
            "sigmoid(0) is exactly 0.5. The first class gets 1 minus that probability.")


def output_layer(model: keras.Model) -> keras.layers.Dense:
    """The model's last Dense layer: the one whose units are its outputs."""
    layer = _last_dense(model)
    if layer is None:
        raise ValueError(f"{model.name!r} has no Dense output layer.")
    return layer


def outputs_text(layer: keras.layers.Dense, names: Sequence[str]) -> str:
    """'The model has one output, a sigmoid unit: the probability of dog; cat gets 1 minus it', from the layer."""
    units, activation = int(layer.units), _activation(layer) or "linear"
    if units == 1 and activation == "sigmoid":
        second, first = (names[1], names[0]) if len(names) == 2 else ("the second class", "the first")
        return f"The model has one output, a sigmoid unit: the probability of {second}; {first} gets 1 minus it"
    if activation == "softmax":
        return (f"The model has {units} outputs, a softmax that shares a total probability of 1 among "
                f"{', '.join(names[:-1])} and {names[-1]}" if len(names) == units else
                f"The model has {units} outputs, a softmax whose probabilities add up to 1")
    return f"The model has {count_text(units, 'output')} ({activation})"


def _nested(layer: keras.Model) -> str:
    inner = [candidate for candidate in layer.layers if not isinstance(candidate, keras.layers.InputLayer)]
    trainable = sum(1 for candidate in inner if candidate.trainable and candidate.trainable_weights)
    chain = " → ".join(f"{candidate.name} ({type(candidate).__name__})" for candidate in inner)
    if len(inner) <= 8:
        outputs = math.prod(int(value) for value in layer.output.shape[1:])
        return (f"A small network used as one layer: {chain}. It reads {_sides(layer.input.shape)} maps and "
                f"gives {count_text(outputs, 'number')}; its {format_count(layer.count_params())} parameters are "
                "the ones training changes.")
    state = ("all frozen: training does not change them" if not trainable else
             f"{count_text(trainable, 'layer')} with weights trained here, the rest frozen")
    return (f"A whole network used as one layer: {count_text(len(layer.layers), 'layer')}, "
            f"{format_count(layer.count_params())} parameters ({state}). It turns the photo into "
            f"{_sides(layer.output.shape)} feature maps.")


def _after_the_maps(model: keras.Model) -> str:
    """What the layer that ends the maps does with positions: global pooling treats all alike, Flatten does not."""
    flat = [layer for layer in all_layers(model) if not isinstance(layer, keras.Model)]
    for position, layer in enumerate(flat):
        if isinstance(layer, (keras.layers.GlobalAveragePooling2D, keras.layers.GlobalMaxPooling2D)):
            how = "averages" if isinstance(layer, keras.layers.GlobalAveragePooling2D) else "keeps the largest of"
            return (f" Then {layer.name} {how} each whole map, treating every position alike, so an ear in a corner "
                    "counts like an ear in the middle.")
        if isinstance(layer, keras.layers.Flatten):
            dense = next((later for later in flat[position + 1:] if isinstance(later, keras.layers.Dense)), None)
            reader = f"the Dense layer {dense.name}" if dense is not None else "the layer after it"
            return (f" But {layer.name} lays the maps out position by position and {reader} gives every position "
                    "its own weights, so an ear in a corner can count differently from an ear in the middle.")
    return ""


def _weight_sharing(model: keras.Model, layer: keras.layers.Conv2D) -> str:
    height, width = int(layer.output.shape[1]), int(layer.output.shape[2])
    parameters = layer.count_params()
    return (f"**{layer.name}** uses the same {layer.filters} filters at every one of its {height}×{width} positions, "
            f"so its {format_count(parameters)} parameters do the work that separate weights for each position "
            f"would need {height}×{width}×{format_count(parameters)} = {format_count(height * width * parameters)} "
            "for. It also means a filter finds its pattern wherever it is in the photo."
            + _after_the_maps(model))


def _transfer(model: keras.Model, base: keras.Model) -> str:
    trained_inside = trained_layer_names(base)
    state = ("Here the whole base stays frozen and only the head is trained." if not trained_inside else
             f"Here {count_text(len(trained_inside), 'layer')} of the base ({', '.join(trained_inside[:4])}"
             f"{', …' if len(trained_inside) > 4 else ''}) were fine-tuned; the rest stays frozen.")
    return (f"**{base.name}** learned its filters on ImageNet (about 1.3 million photos of 1,000 kinds of things). "
            "Its early layers find edges and colours, its later ones textures and parts (fur, eyes, wheels), and "
            "those are useful for cats and dogs too. So the head only has to learn how to combine features that "
            "already exist, which a few thousand photos and minutes of training are enough for. **Fine-tuning** "
            "goes one step further: unfreeze the top blocks of the base and train them too, with a small learning "
            "rate so that the ImageNet features are adjusted to cats and dogs rather than wiped out by large early "
            f"updates. {state}")


def glossary(model: keras.Model) -> list[GlossaryEntry]:
    """What each kind of layer in ``model`` does (nested models included), once per kind, then the key ideas."""
    entries: dict[str, GlossaryEntry] = {}

    def add(key: str, title: str, text: str) -> None:
        entries.setdefault(key, GlossaryEntry(title, text))

    for layer in all_layers(model):
        kind = type(layer).__name__
        if isinstance(layer, keras.Model):
            add(f"model:{layer.name}", f"Nested model: {layer.name}", _nested(layer))
        elif isinstance(layer, keras.layers.InputLayer):
            if layer is model.layers[0]:
                add(kind, kind, f"The photo enters as a grid of numbers: {_sides(layer.output.shape)} (height × "
                                "width × the red, green and blue channels), each from 0 to 255.")
        elif isinstance(layer, keras.layers.Dense) and _activation(layer) in ("sigmoid", "softmax") \
                and layer is _last_dense(model):
            add("output", f"Output: {_activation(layer)}", _output(layer))
        elif type(layer) is keras.layers.Conv2D:
            add(kind, kind, _conv(model, layer))
        elif isinstance(layer, keras.layers.DepthwiseConv2D):
            add(kind, kind, _depthwise(layer))
        elif isinstance(layer, keras.layers.ZeroPadding2D):
            add(kind, kind, _zero_padding(model, layer))
        elif isinstance(layer, POOL_TYPES):
            add(kind, kind, _pooling(layer))
        elif isinstance(layer, keras.layers.GlobalAveragePooling2D):
            add(kind, kind, _global_pool(layer))
        elif isinstance(layer, keras.layers.Flatten):
            add(kind, kind, _flatten(layer))
        elif isinstance(layer, keras.layers.Dense):
            add(kind, kind, _dense(layer))
        elif isinstance(layer, keras.layers.Dropout):
            add(kind, kind, _dropout(layer))
        elif isinstance(layer, keras.layers.BatchNormalization):
            add(kind, kind, _batch_norm(layer))
        elif isinstance(layer, keras.layers.Rescaling):
            add(kind, kind, _rescaling(layer))
        if isinstance(layer, keras.layers.ReLU) or (_activation(layer) == "relu"):
            add("ReLU", relu_name(layer) if isinstance(layer, keras.layers.ReLU) else "ReLU", _relu(model, layer))
    convs = [layer for layer in all_layers(model) if type(layer) is keras.layers.Conv2D]
    if convs:
        add("sharing", "Idea: weight sharing", _weight_sharing(model, convs[0]))
        add("field", "Idea: receptive field",
            "Each value of a convolution or pooling layer depends on a square of photo pixels, its receptive "
            "field, and every layer's window widens it. In this model: " + receptive_field_summary(model) + ".")
    base = next((layer for layer in model.layers if isinstance(layer, keras.Model) and len(layer.layers) > 8), None)
    if base is not None:
        add("transfer", "Idea: transfer learning and fine-tuning", _transfer(model, base))
    return list(entries.values())


def _last_dense(model: keras.Model) -> keras.layers.Layer | None:
    dense = [layer for layer in all_layers(model) if isinstance(layer, keras.layers.Dense)]
    return dense[-1] if dense else None
