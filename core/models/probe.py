"""One traced function per model that returns any layers' outputs (and inputs) for a photo, for feature maps, Grad-CAM
and saliency."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from core.imaging.resize import network_input
from core.models.layers import SEPARATOR, find_layer, inner_layers

#: Output activations that turn a logit into a probability.
PROBABILITY_ACTIVATIONS = ("sigmoid", "softmax")


def _is_chain(model: keras.Model) -> bool:
    """True when every layer takes exactly the previous layer's single output."""
    if isinstance(model, keras.Sequential):
        return True
    try:
        config = model.get_config()
    except Exception:  # A subclassed model has no graph to read.
        return False
    layer_configs = config.get("layers", [])
    previous = None
    for layer_config in layer_configs:
        nodes = layer_config.get("inbound_nodes", [])
        if previous is None:
            if nodes:  # The first entry must be the input layer.
                return False
            previous = layer_config["name"]
            continue
        if len(nodes) != 1:
            return False
        tensors = list(_tensor_specs(nodes[0].get("args", [])))
        if len(tensors) != 1 or tensors[0]["config"]["keras_history"][0] != previous:
            return False
        previous = layer_config["name"]
    return _endpoint_count(config.get("input_layers")) == 1 and _endpoint_count(config.get("output_layers")) == 1


def _tensor_specs(value):
    """The serialised Keras tensors inside a node's (nested) argument list."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            yield value
        else:
            for item in value.values():
                yield from _tensor_specs(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensor_specs(item)


def _endpoint_count(spec) -> int:
    # Keras writes one endpoint as ["name", 0, 0] and several as a list of those.
    if not spec:
        return 0
    return 1 if isinstance(spec[0], str) else len(spec)


def _is_probability_layer(layer: keras.layers.Layer) -> bool:
    activation = getattr(layer, "activation", None)
    return isinstance(layer, keras.layers.Dense) and getattr(activation, "__name__", "") in PROBABILITY_ACTIVATIONS


def _split_requests(requests: set[tuple[str, str]], name: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Requests for layer ``name`` itself, and those for layers inside it."""
    own = {kind for path, kind in requests if path == name}
    inside = {(path[len(name) + 1:], kind) for path, kind in requests if path.startswith(name + SEPARATOR)}
    return own, inside


class _Trace:
    """Re-applies a model's layers to a new input, keeping the tensors asked for."""

    def __init__(self) -> None:
        self.captured: dict[tuple[str, str], object] = {}
        self.final_layer: keras.layers.Layer | None = None
        self.final_input = None

    def run(self, model: keras.Model, x, requests: set[tuple[str, str]], want_logit: bool, prefix: str = ""):
        nested_deeper = any(SEPARATOR in path for path, _ in requests)
        if _is_chain(model):
            return self._run_chain(model, x, requests, want_logit, prefix)
        if nested_deeper:
            raise ValueError(
                f"{model.name!r} is not a simple chain of layers, so layers nested inside its own "
                "nested models cannot be reached."
            )
        if not requests:
            return model(x)
        # Any graph: one sub-model of this model returns the layers asked for
        # plus its own output (the standard trick for a nested base model).
        ordered = sorted(requests)
        tensors = [getattr(model.get_layer(path), "input" if kind == "input" else "output") for path, kind in ordered]
        sub_model = keras.Model(model.inputs, [*tensors, model.output])
        outputs = sub_model(x)
        for (path, kind), tensor in zip(ordered, outputs[:-1]):
            self.captured[(prefix + path, kind)] = tensor
        return outputs[-1]

    def _run_chain(self, model: keras.Model, x, requests, want_logit: bool, prefix: str):
        layers = inner_layers(model)
        for index, layer in enumerate(layers):
            last = index == len(layers) - 1
            own, inside = _split_requests(requests, layer.name)
            path = prefix + layer.name
            if "input" in own:
                self.captured[(path, "input")] = x
            if isinstance(layer, keras.Model) and (inside or (want_logit and last)):
                x = self.run(layer, x, inside, want_logit and last, path + SEPARATOR)
            else:
                if want_logit and last and _is_probability_layer(layer):
                    self.final_layer, self.final_input = layer, x
                x = layer(x)
            if "output" in own:
                self.captured[(path, "output")] = x
        return x


@dataclass(frozen=True)
class ProbeResult:
    """Tensors from one run of a probe (TensorFlow tensors, so gradients can flow)."""

    outputs: dict[str, object]  # layer path -> that layer's output
    inputs: dict[str, object]  # layer path -> that layer's input
    logits: object  # (N, units) scores before the sigmoid/softmax
    probabilities: object  # (N, units) the model's own output


class Probe:
    """A model that runs the real network once and returns chosen inner tensors."""

    def __init__(self, model: keras.Model, outputs: Sequence[str] = (), inputs: Sequence[str] = ()):
        for path in [*outputs, *inputs]:
            find_layer(model, path)  # clear error for a wrong path
        self.output_paths = tuple(outputs)
        self.input_paths = tuple(inputs)
        self.input_size = tuple(int(v) for v in model.input_shape[1:3])
        requests = {(path, "output") for path in outputs} | {(path, "input") for path in inputs}
        trace = _Trace()
        if _is_chain(model):
            pixels = keras.Input(shape=model.input_shape[1:], name="pixels")
            final = trace.run(model, pixels, requests, want_logit=True)
        else:
            # Any other graph: read the tensors straight from the model's own
            # graph (no nested paths, and logits recovered from probabilities).
            if any(SEPARATOR in path for path, _ in requests):
                raise ValueError(f"{model.name!r} is not a simple chain of layers; nested layers cannot be probed.")
            pixels, final = model.inputs[0], model.output
            for path, kind in requests:
                trace.captured[(path, kind)] = getattr(model.get_layer(path), kind)
        self.final_layer = trace.final_layer
        wanted = [trace.captured[(path, "output")] for path in self.output_paths]
        wanted += [trace.captured[(path, "input")] for path in self.input_paths]
        if self.final_layer is not None:
            wanted.append(trace.final_input)
        self.keras_model = keras.Model(pixels, [*wanted, final], name=f"{model.name}_probe")

    def __call__(self, batch) -> ProbeResult:
        results = self.keras_model(batch, training=False)
        if not isinstance(results, (list, tuple)):
            results = [results]
        results = list(results)
        probabilities = results.pop()
        count = len(self.output_paths)
        outputs = dict(zip(self.output_paths, results[:count]))
        inputs = dict(zip(self.input_paths, results[count:count + len(self.input_paths)]))
        if self.final_layer is not None:
            final_input = results[count + len(self.input_paths)]
            logits = keras.ops.matmul(final_input, self.final_layer.kernel)
            if self.final_layer.use_bias:
                logits = logits + self.final_layer.bias
        else:
            logits = _logits_from_probabilities(probabilities)
        return ProbeResult(outputs=outputs, inputs=inputs, logits=logits, probabilities=probabilities)


def _logits_from_probabilities(probabilities):
    # Fallback when the last layer cannot be reached: invert the sigmoid or
    # take log-probabilities (softmax logits up to a constant).
    clipped = keras.ops.clip(probabilities, 1e-7, 1 - 1e-7)
    if probabilities.shape[-1] == 1:
        return keras.ops.log(clipped) - keras.ops.log(1 - clipped)
    return keras.ops.log(clipped)


_PROBES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

_PROBE_LOCK = threading.Lock()


def get_probe(model: keras.Model, outputs: Sequence[str] = (), inputs: Sequence[str] = ()) -> Probe:
    """The probe for (model, outputs, inputs), built on first use and then reused."""
    key = (tuple(outputs), tuple(inputs))
    with _PROBE_LOCK:
        per_model = _PROBES.setdefault(model, {})
        if key not in per_model:
            per_model[key] = Probe(model, outputs, inputs)
        return per_model[key]


def model_input(model: keras.Model, pixels: np.ndarray) -> np.ndarray:
    """A (1, H, W, 3) float32 batch: the photo as the network receives it (``network_input``), 0..255."""
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"Expected an (height, width, 3) RGB photo, got shape {pixels.shape}.")
    size = tuple(int(v) for v in model.input_shape[1:3])
    if pixels.dtype != np.uint8:
        if pixels.shape[:2] != size:
            raise ValueError(f"A float photo must already be {size[0]}×{size[1]}, got {pixels.shape[:2]}.")
        return pixels.astype(np.float32)[None]
    return network_input(pixels, size).astype(np.float32)[None]
