"""AppTest: walk the lesson's ten steps on the demo photo and check what each shows against the model itself.

Every expected number is computed here, straight from the Keras model (a model
cut at the layer in question), never with the lesson's own code.
"""

from __future__ import annotations

import json
import math
import re

import keras
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS, demo_photo_bytes
from core.imaging.photo import photo_from_bytes
from core.imaging.resize import network_input
from core.models import registry
from tests.conftest import PROJECT_ROOT, page_text
from tests.support import honest_answers as honest
from tests.support.requirements import require

PAGE = str(PROJECT_ROOT / "app_pages" / "lesson.py")
SINGULAR = {"cats": "cat", "dogs": "dog"}


def number(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def metric(app: AppTest, label_start: str) -> str:
    return next(item.value for item in app.metric if item.label.startswith(label_start))


def model_batch(model: keras.Model, name: str = DEFAULT_DEMO) -> np.ndarray:
    pixels = photo_from_bytes(name, demo_photo_bytes(name)).pixels
    return network_input(pixels, tuple(model.input_shape[1:3])).astype(np.float32)[None]


def layer_output(model: keras.Model, path: str, batch: np.ndarray) -> np.ndarray:
    """The output of the layer at ``path`` ("conv1" or "base/conv1"): the model cut right there."""
    outer, _, inner = path.partition("/")
    if not inner:
        return keras.ops.convert_to_numpy(keras.Model(model.inputs[0], model.get_layer(outer).output)(batch))[0]
    x = batch
    for layer in model.layers[1:]:
        if layer.name == outer:
            return keras.ops.convert_to_numpy(keras.Model(layer.inputs[0], layer.get_layer(inner).output)(x))[0]
        x = layer(x)
    raise AssertionError(f"no layer {path}")


def written(value: float, decimals: int = 4) -> str:
    """A number as the lesson writes it: rounded, no trailing zeros, a real minus sign, never "−0"."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if float(text) == 0 else text.replace("-", "−")


def relu_path(model_name: str) -> str:
    """The layer whose output is the first convolution's map after the model's ReLU."""
    return "mobilenet_0.25_384/conv1_relu" if model_name == "transfer" else "conv1"


def probabilities(model: keras.Model, name: str = DEFAULT_DEMO) -> np.ndarray:
    dog = float(keras.ops.convert_to_numpy(model(model_batch(model, name)))[0, 0])
    return np.array([1 - dog, dog])


def app_answer(app: AppTest) -> tuple[str, str]:
    """(class, percentage) of the step's answer metric: "The app says dog", "Not sure; best guess dog",
    "Neither? ..."."""
    label, value = next((item.label, item.value) for item in app.metric
                        if item.label.startswith(("The app says", "Not sure", "Neither")))
    return label.split()[-1], value


def answer(app: AppTest, step: int, model_name: str, right: str) -> None:
    """Pick the right option: praised; then a wrong one: corrected with the right one named."""
    radio = app.radio(key=f"lesson_check_{model_name}_{step}")
    assert right in radio.options, (step, right, radio.options)
    radio.set_value(right).run()
    assert any(item.value.startswith("Right:") for item in app.success), step
    wrong = next(option for option in radio.options if option != right)
    app.radio(key=f"lesson_check_{model_name}_{step}").set_value(wrong).run()
    assert any(f"the answer is **{right}**" in item.value for item in app.warning), step


def walk(model_name: str) -> None:
    info = registry.get_model_info(model_name)
    model = registry.load_model(model_name)
    batch = model_batch(model)
    _, rows, cols, channels = batch.shape
    expected = probabilities(model)
    predicted = SINGULAR[info.class_names[int(np.argmax(expected))]]
    calibrated = honest.calibrated_probabilities(model_name, [photo_from_bytes(DEFAULT_DEMO, demo_photo_bytes(
        DEFAULT_DEMO)).pixels])[0]  # z / T, with T read from the card by hand
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params["model"] = model_name
    app.run()
    assert not app.exception, app.exception

    def next_step(step: int) -> None:
        app.button(key="lesson_next").click().run()
        assert not app.exception, app.exception
        assert app.subheader[0].value.startswith(f"Step {step} of 10"), app.subheader[0].value

    # 1. The photo's numbers.
    assert metric(app, "Numbers the model receives") == f"{rows}×{cols}×3 = {rows * cols * 3:,}"
    answer(app, 1, model_name, f"{rows * cols * channels:,}")

    # 2. One filter's number, equal to the real layer output at the position the note names.
    next_step(2)
    note = next(item.value for item in app.caption if item.value.startswith("Worked out:"))
    # The page counts rows, columns and maps from 1, as the inside page does; arrays count from 0.
    row, col, channel = (int(v) - 1 for v in re.search(r"row (\d+), column (\d+) of map (\d+)", note).groups())
    conv_path = "mobilenet_0.25_384/conv1" if model_name == "transfer" else "conv1"
    real = float(layer_output(model, conv_path, batch)[row, col, channel])
    assert number(metric(app, "The model's layer output")) == pytest.approx(real, abs=6e-5)
    conv = (model.get_layer("mobilenet_0.25_384").get_layer("conv1") if model_name == "transfer"
            else model.get_layer("conv1"))
    kernel = keras.ops.convert_to_numpy(conv.kernel)
    if conv.use_bias:  # from-scratch: valid, stride 1, so the window starts at (row, col) of the rescaled photo
        scaled = batch[0].astype(np.float64) / 255
        pre = float((scaled[row:row + 3, col:col + 3] * kernel[..., channel]).sum()
                    + keras.ops.convert_to_numpy(conv.bias)[channel])
        assert number(metric(app, "Worked out")) == pytest.approx(pre, abs=6e-5)
        assert real == pytest.approx(max(pre, 0.0), abs=1e-5)
        answer(app, 2, model_name, f"{pre:.4f}".rstrip("0").rstrip(".").replace("-", "−"))
    else:  # MobileNet: stride 2, no bias
        assert number(metric(app, "Worked out")) == pytest.approx(real, abs=6e-5)
        assert "stride 2" in page_text(app)
        answer(app, 2, model_name, str(int(np.prod(kernel.shape[:3]))))

    # 3. ReLU: the number asked about, through max(0, x) (capped at 6 for MobileNet's ReLU6).
    next_step(3)
    question = app.radio(key=f"lesson_check_{model_name}_3").label
    asked = number(re.search(r"receives (−?[0-9.]+[0-9])", question).group(1))
    relu = max(asked, 0.0) if model_name != "transfer" else min(max(asked, 0.0), 6.0)
    answer(app, 3, model_name, f"{relu:.5f}".rstrip("0").rstrip(".").replace("-", "−") if relu else "0")

    # 4. Max pooling: the largest of the window asked about; classic's equals pool1's real output.
    next_step(4)
    question = app.radio(key=f"lesson_check_{model_name}_4").label
    listed = re.search(r"holds (.+)\. What", question).group(1).split(", ")
    largest = max(listed, key=number)
    if model_name == "classic":
        pooled = float(layer_output(model, "pool1", batch)[row // 2, col // 2, channel])
        assert number(metric(app, "The model's pool1 output")) == pytest.approx(pooled, abs=6e-5)
        assert number(largest) == pytest.approx(pooled, abs=0.006)  # the question rounds like the grid
    else:
        assert "no pooling layer here" in page_text(app)
    answer(app, 4, model_name, largest)

    # 5. Shapes: the first convolution's and the last feature layer's real output shapes.
    next_step(5)
    first_shape = layer_output(model, conv_path, batch).shape
    last_path = "head/head_conv" if model_name == "transfer" else "pool4"
    last_shape = layer_output(model, last_path, batch).shape
    assert metric(app, "First layer's maps") == "×".join(map(str, first_shape))
    assert metric(app, "Last maps") == "×".join(map(str, last_shape))
    answer(app, 5, model_name, f"{last_shape[2]:,}")

    # 6. z and the probability: the model's own output, then z / T, the percentage the Classify page shows.
    next_step(6)
    z = number(metric(app, "z = w·x + b"))
    assert 1 / (1 + math.exp(-z)) == pytest.approx(expected[1], rel=1e-3, abs=1e-6)
    shown = honest.whole_percent(float(calibrated.max()))
    assert app_answer(app) == (predicted, shown)
    assert f"σ(z / T) gives **{shown} {predicted}**" in page_text(app)
    answer(app, 6, model_name, "dog" if expected[1] > 0.5 else "cat")

    # 7. The prediction: the same percentage.
    next_step(7)
    assert app_answer(app) == (predicted, shown)
    answer(app, 7, model_name, predicted)

    # 8. The training curves: the epoch with the lowest validation loss, from history.json itself.
    next_step(8)
    history = json.loads((info.folder / "history.json").read_text())
    best = int(np.argmin(history["val_loss"])) + 1
    assert metric(app, f"Validation accuracy at epoch {best}") == f"{history['val_accuracy'][best - 1]:.1%}"
    answer(app, 8, model_name, str(best))

    # 9. A photo that is neither class still gets cat or dog.
    next_step(9)
    neither = next(name for name in DEMO_PHOTOS if "neither" in name)
    cup = probabilities(model, neither)
    cup_answer = SINGULAR[info.class_names[int(np.argmax(cup))]]
    assert metric(app, neither.split(" (")[0]) == cup_answer
    answer(app, 9, model_name, cup_answer)

    # 10. The recap's ReLU question on step 2's number, answered by the model's own activation layer there
    # (MobileNet: batch normalisation, then ReLU6; from-scratch: the ReLU inside conv1).
    next_step(10)
    activated = float(layer_output(model, relu_path(model_name), batch)[row, col, channel])
    answer(app, 10, model_name, written(activated))
    assert metric(app, "From pixels to") == f"{predicted} {shown}"
    assert app.button(key="lesson_next").disabled
    assert {key: app.query_params[key] for key in ("step", "model")} == {"step": "10", "model": model_name}


def test_all_steps_for_classic():
    require("classic" in [info.name for info in registry.list_models() if info.available], "The classic model")
    walk("classic")


def test_all_steps_for_the_default_transfer_model(mobilenet_weights):
    walk("transfer")


def test_a_step_url_lands_on_that_step_and_presentation_mode_hides_the_setup():
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params.update({"step": "5", "model": "classic", "present": "1"})
    app.run()
    assert not app.exception, app.exception
    assert app.subheader[0].value.startswith("Step 5 of 10")
    assert not app.title and not app.selectbox  # no model picker or page title while presenting
    app.button(key="lesson_exit").click().run()
    assert app.title and app.toggle(key="lesson_present_toggle").value is False
    assert "present" not in app.query_params


def test_an_unreadable_step_starts_at_the_first():
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params.update({"step": "lots", "model": "no-such-model"})
    app.run()
    assert not app.exception, app.exception
    assert app.subheader[0].value.startswith("Step 1 of 10")


@pytest.mark.parametrize("model_name", ["compact", "normalized", "baseline", "augmented"])
def test_every_other_shipped_model_walks_all_steps(model_name):
    require(model_name in [info.name for info in registry.list_models() if info.available], f"The {model_name} model")
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params["model"] = model_name
    app.run()
    for step in range(1, 11):
        assert not app.exception, (step, app.exception)
        assert app.subheader[0].value.startswith(f"Step {step} of 10")
        assert "✗" not in page_text(app), step  # every check against the model holds
        if step == 2:
            conv = next(layer for layer in registry.load_model(model_name).layers
                        if isinstance(layer, keras.layers.Conv2D))
            assert f'stride 1 and "{conv.padding}" padding' in page_text(app)
        if step < 10:
            app.button(key="lesson_next").click().run()


def open_step(model_name: str, step: int) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=300)
    app.query_params.update({"step": str(step), "model": model_name})
    app.run()
    assert not app.exception, (step, app.exception)
    assert app.subheader[0].value.startswith(f"Step {step} of 10")
    return app


def all_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer that is not itself a model, in call order, nested models opened."""
    return [leaf for layer in model.layers
            for leaf in (all_layers(layer) if isinstance(layer, keras.Model) else [layer])]


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "same": the zeros before and after one axis (the odd one goes after)."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


@pytest.mark.slow
@pytest.mark.parametrize("model_name", ["classic", "transfer"])
def test_the_sentences_learners_read_are_true_of_the_model(model_name, request):
    if model_name == "transfer":
        request.getfixturevalue("mobilenet_weights")
    require(model_name in [info.name for info in registry.list_models() if info.available], f"The {model_name} model")
    model = registry.load_model(model_name)
    batch = model_batch(model)
    layers = all_layers(model)
    conv_path = "mobilenet_0.25_384/conv1" if model_name == "transfer" else "conv1"
    conv = next(layer for layer in layers if isinstance(layer, keras.layers.Conv2D))

    # Step 2: the padding the first convolution really adds.
    app = open_step(model_name, 2)
    note = next(item.value for item in app.caption if item.value.startswith("Worked out:"))
    # The page counts rows, columns and maps from 1, as the inside page does; arrays count from 0.
    row, col, channel = (int(v) - 1 for v in re.search(r"row (\d+), column (\d+) of map (\d+)", note).groups())
    top, bottom = same_padding(batch.shape[1], conv.kernel_size[0], conv.strides[0])
    if conv.padding == "same" and top != bottom:
        assert (f"zeros: {bottom} row at the bottom and {bottom} column at the right, none at the top or left"
                in page_text(app))
        assert "ring of zeros" not in page_text(app)
    elif conv.padding == "valid":
        assert '"valid" padding (no zeros added' in page_text(app)

    # Step 3 and the recap: step 2's number through the model's own chain, to its activation layer's output.
    pre = float(layer_output(model, conv_path, batch)[row, col, channel]) if model_name == "transfer" else None
    activated = float(layer_output(model, relu_path(model_name), batch)[row, col, channel])
    app = open_step(model_name, 3)
    if model_name == "transfer":
        normalised = float(layer_output(model, "mobilenet_0.25_384/conv1_bn", batch)[row, col, channel])
        assert (f"step 2's {written(pre)} comes out of it as {written(normalised)}, which ReLU6 makes "
                f"{written(activated)}") in page_text(app)
    app = open_step(model_name, 10)
    answer(app, 10, model_name, written(activated))
    max_pools = any(isinstance(layer, keras.layers.MaxPooling2D) for layer in layers)
    assert ("keep the largest" in page_text(app)) == max_pools
    trained = [layer.name for layer in layers if layer.weights and layer.trainable_weights]
    frozen = [layer.name for layer in layers if layer.weights and not layer.trainable_weights]
    assert ("training chose every weight" in page_text(app)) == (not frozen)

    # Step 5: where the shape chain goes against "smaller and more numerous".
    app = open_step(model_name, 5)
    shrinking_channels = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)
                          and int(layer.output.shape[-1]) < int(layer.input.shape[-1])]
    for layer in shrinking_channels:
        before, after = ("×".join(str(int(v)) for v in shape[1:]) for shape in (layer.input.shape, layer.output.shape))
        assert f"except at `{layer.name}`" in page_text(app) and f"({before} → {after})" in page_text(app)

    # Step 8: which layers training moved.
    app = open_step(model_name, 8)
    if frozen:
        assert "did not move every weight" in page_text(app)
        assert f"the other {len(frozen)} layers with weights stayed frozen" in page_text(app)
        # The head's two layers are named; the base's 8 are counted (a list that long would not fit the projector).
        in_base = [name for name in trained if name not in ("head_conv", "output")]
        assert "2 layers of head (head_conv, output)" in page_text(app)
        assert f"{len(in_base)} layers of mobilenet_0.25_384 and" in page_text(app)
    else:
        assert "moved every weight" in page_text(app)

    # Step 9: the real output layer: one sigmoid unit, the probability of the second class.
    app = open_step(model_name, 9)
    output = [layer for layer in layers if isinstance(layer, keras.layers.Dense)][-1]
    assert (int(output.units), output.activation.__name__) == (1, "sigmoid")
    info = registry.get_model_info(model_name)
    first, second = (SINGULAR[name] for name in info.class_names)
    assert (f"The model has one output, a sigmoid unit: the probability of {second}; {first} gets 1 minus it."
            in page_text(app))
    assert "only two outputs" not in page_text(app)
