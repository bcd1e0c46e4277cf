"""The lesson's sentences on the shipped models (classic and transfer), checked against their own layers.

Every expected number is read here from the Keras model (a model cut at the
layer in question) or its layers' settings, never with the lesson's own code.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from core.arithmetic.numbers import format_number
from core.explain.glossary import glossary
from core.imaging.demo import DEFAULT_DEMO, DEMO_PHOTOS, demo_photo_bytes
from core.imaging.photo import photo_from_bytes
from core.lesson import decision, deeper, first_steps, learning, limits, recap
from core.lesson.first_layer import first_layer_lesson
from core.models import registry
from core.training.history import history_from_dict
from tests.core.lesson.models import answer_of, answer_tools
from tests.support.requirements import require

BASE = "mobilenet_0.25_384"


def _photo(name: str = DEFAULT_DEMO) -> np.ndarray:
    return photo_from_bytes(name, demo_photo_bytes(name)).pixels


def _shipped(name: str):
    info = registry.get_model_info(name)
    require(info.available, f"The {name} model's files ({info.reason})")
    model = registry.load_model(name)
    pixels = _photo()
    return model, pixels, first_layer_lesson(model, pixels, name), tuple(info.class_names)


@pytest.fixture(scope="module")
def classic():
    return _shipped("classic")


@pytest.fixture(scope="module")
def transfer(mobilenet_weights):
    return _shipped("transfer")


def leaves(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer that is not itself a model, in call order, nested models opened."""
    return [leaf for layer in model.layers for leaf in (leaves(layer) if isinstance(layer, keras.Model) else [layer])]


def base_output(model: keras.Model, inner: str, batch: np.ndarray) -> np.ndarray:
    """The transfer model cut at ``inner`` inside its MobileNet base: rescale, then the base up to that layer."""
    base = model.get_layer(BASE)
    scaled = model.get_layer("rescale")(batch)
    return keras.ops.convert_to_numpy(keras.Model(base.inputs[0], base.get_layer(inner).output)(scaled))[0]


def test_transfer_recap_and_relu_step_follow_conv_batch_norm_relu6(transfer):
    model, _, lesson, classes = transfer
    batch = lesson.pixels.astype(np.float32)[None]  # the photo as the model received it
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    conv, normalised, activated = (float(base_output(model, name, batch)[at])
                                   for name in ("conv1", "conv1_bn", "conv1_relu"))
    assert activated == pytest.approx(min(max(normalised, 0.0), 6.0), abs=1e-5)  # ReLU6 on the normalised value
    assert abs(conv - normalised) > 1e-3  # batch norm really changes the number ReLU6 receives
    result = decision.decision_lesson(model, lesson.pixels, classes)
    line = recap.recap_lines(lesson, "…", result, answer_of([0.5, 0.5]))[2]
    assert line == (f"**Batch normalisation, then ReLU6**: `conv1_bn` turns {format_number(conv)} into "
                    f"{format_number(normalised)}, and ReLU6 makes that {format_number(activated)}.")
    text = recap.recap_text(lesson, result)
    assert text.checkpoint.right_option == format_number(activated)
    assert f"min(max(0, x), 6) with x = {format_number(normalised)}" in text.checkpoint.why
    assert (f"step 2's {format_number(conv)} comes out of it as {format_number(normalised)}, which ReLU6 makes "
            f"{format_number(activated)}") in first_steps.relu_text(lesson).sentences[1]


def test_classic_recap_relu_is_the_convolutions_own_relu(classic):
    model, _, lesson, classes = classic
    batch = lesson.pixels.astype(np.float32)[None]
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    activated = float(keras.ops.convert_to_numpy(
        keras.Model(model.inputs[0], model.get_layer("conv1").output)(batch))[(0, *at)])  # ReLU inside conv1
    text = recap.recap_text(lesson, decision.decision_lesson(model, lesson.pixels, classes))
    assert text.checkpoint.right_option == format_number(activated)
    assert recap.recap_lines(lesson, "…", decision.decision_lesson(model, lesson.pixels, classes),
                             answer_of([0.5, 0.5]))[2] == (
        f"**ReLU**: {format_number(lesson.worked.pre_activation)} → {format_number(activated)}.")


def test_transfer_padding_is_said_as_tensorflow_pads_a_stride_two_same_convolution(transfer, classic):
    model, _, lesson, _ = transfer
    conv = model.get_layer(BASE).get_layer("conv1")
    assert (conv.padding, tuple(conv.strides), tuple(conv.kernel_size)) == ("same", (2, 2), (3, 3))
    text = first_steps.filter_text(lesson).sentences[0]
    assert ('a 3×3 convolution with stride 2 and "same" padding (zeros: 1 row at the bottom and 1 column at the '
            'right, none at the top or left)') in text
    assert "ring of zeros" not in text
    # Those zeros by hand (a "valid" convolution of the padded input) give the layer's own output exactly.
    batch = lesson.pixels.astype(np.float32)[None]
    scaled = model.get_layer("rescale")(batch)
    padded = tf.pad(scaled, [[0, 0], [0, 1], [0, 1], [0, 0]])
    by_hand = tf.nn.conv2d(padded, conv.kernel, strides=2, padding="VALID").numpy()[0]
    assert np.allclose(by_hand, base_output(model, "conv1", batch), atol=1e-5)
    assert 'stride 1 and "valid" padding (no zeros added' in first_steps.filter_text(classic[2]).sentences[0]


def test_transfer_training_sentences_name_the_layers_trained_here(transfer, classic):
    history = history_from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]})
    model, _, lesson, classes = transfer
    weighted = [layer for layer in leaves(model) if layer.weights]
    trained = [layer.name for layer in weighted if layer.trainable_weights]
    in_base = [layer.name for layer in leaves(model.get_layer(BASE)) if layer.trainable_weights]
    in_head = [layer.name for layer in leaves(model.get_layer("head")) if layer.trainable_weights]
    frozen = len(weighted) - len(trained)
    assert in_base and frozen > 0 and in_head == ["head_conv", "output"]
    groups = (f"{len(in_base)} layers of {BASE} and "
              f"{len(in_head)} layers of head ({', '.join(in_head)})")
    sentence = learning.learning_text(learning.learning_lesson(model, "transfer", history, 0)).sentences[0]
    assert f"it moved only the weights of {groups} a little" in sentence
    assert f"the other {frozen} layers with weights stayed frozen" in sentence
    recap_sentence = recap.recap_text(lesson, decision.decision_lesson(model, lesson.pixels, classes)).sentences[1]
    assert f"training here chose the weights of {groups}" in recap_sentence
    assert "every weight" not in recap_sentence
    model, _, lesson, _ = classic
    assert all(layer.trainable_weights for layer in leaves(model) if layer.weights)
    assert "moved every weight" in learning.learning_text(
        learning.learning_lesson(model, "classic", history, 0)).sentences[0]


def test_recap_keeps_the_largest_only_where_the_model_max_pools(transfer, classic):
    for model, _, lesson, classes in (classic, transfer):
        max_pools = any(isinstance(layer, keras.layers.MaxPooling2D) for layer in leaves(model))
        sentence = recap.recap_text(lesson, decision.decision_lesson(model, lesson.pixels, classes)).sentences[0]
        assert ("keep the largest" in sentence) == max_pools
    model = transfer[0]
    strides = {int(layer.strides[0]) for layer in leaves(model)
               if isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)) and layer.strides[0] > 1}
    assert strides == {2} and any(isinstance(layer, keras.layers.GlobalAveragePooling2D) for layer in leaves(model))
    sentence = recap.recap_text(transfer[2], decision.decision_lesson(model, transfer[2].pixels,
                                                                      transfer[3])).sentences[0]
    assert "move 2 pixels at a time to shrink the maps" in sentence
    assert "average each last map into one number" in sentence


def test_limits_words_the_one_sigmoid_output(transfer, classic):
    cup = next(name for name in DEMO_PHOTOS if "neither" in name)
    for model, pixels, lesson, _classes in (classic, transfer):
        output = [layer for layer in leaves(model) if isinstance(layer, keras.layers.Dense)][-1]
        assert (int(output.units), output.activation.__name__) == (1, "sigmoid")
        trials = limits.limits_trials(model, answer_tools(), pixels, {cup: _photo(cup)})
        dog = float(keras.ops.convert_to_numpy(model(lesson.pixels.astype(np.float32)[None]))[0, 0])
        # The one unit is the probability of the second class; the first gets 1 minus it.
        assert trials[0].answer.probabilities == pytest.approx((1 - dog, dog), abs=1e-4)
        first = limits.limits_text(trials, output=output).sentences[0]
        assert first.startswith("The model has one output, a sigmoid unit: the probability of dog; cat gets 1 "
                                "minus it. So every photo gets cat or dog, even one that is neither: ")
        assert "two outputs" not in first


def test_transfer_deeper_step_names_the_head_conv_that_makes_fewer_maps(transfer):
    model, pixels, _, _ = transfer
    head_conv = model.get_layer("head").get_layer("head_conv")
    before, after = (tuple(int(v) for v in shape[1:]) for shape in (head_conv.input.shape, head_conv.output.shape))
    assert before == (12, 12, 256) and after == (12, 12, 128)
    sentence = deeper.deeper_text(deeper.deeper_lesson(model, pixels)).sentences[1]
    assert sentence.startswith("Each deeper layer combines the maps before it: overall they get smaller and more "
                               "numerous, 384×384×3 → ")
    assert sentence.endswith("→ 12×12×256 → 12×12×128, except at `head_conv`, which keeps them 12×12 but "
                             "makes them fewer (12×12×256 → 12×12×128).")


def test_shipped_glossaries_say_what_happens_to_positions_and_biases(transfer, classic):
    pooled = {entry.title: entry.text for entry in glossary(transfer[0])}
    assert any(isinstance(layer, keras.layers.GlobalAveragePooling2D) for layer in leaves(transfer[0]))
    sharing = pooled["Idea: weight sharing"]
    assert "global_pool averages each whole map, treating every position alike" in sharing
    flat = {entry.title: entry.text for entry in glossary(classic[0])}
    dense = classic[0].get_layer("dense")
    # Flatten then Dense: the weights for the first and the middle position of the last maps differ.
    rows, cols, channels = (int(v) for v in classic[0].get_layer("flatten").input.shape[1:])
    kernel = keras.ops.convert_to_numpy(dense.kernel).reshape(rows, cols, channels, -1)
    assert not np.allclose(kernel[0, 0], kernel[rows // 2, cols // 2])
    assert "the Dense layer dense gives every position its own weights" in flat["Idea: weight sharing"]
    assert "counts like an ear in the middle" not in flat["Idea: weight sharing"]
    for entries, name in ((pooled, "ReLU6"), (flat, "ReLU")):
        assert "doubling the input would not double the scores" in entries[name]


def test_the_lesson_counts_filters_rows_and_columns_from_1_as_the_lab_and_the_inside_page_do(classic):
    """Issue #26 item 13: the lesson said 'filter 0' where the lab and the inside page say 'filter 1'."""
    model, _, lesson, classes = classic
    # The worked cell, read from the model itself: index ``lesson.channel`` of conv1's output is filter number
    # channel + 1 on the other pages, and row/column r, c (from 0) are row r + 1, column c + 1 there.
    filter_number, row, column = lesson.channel + 1, lesson.worked.row + 1, lesson.worked.column + 1
    step_2 = first_steps.filter_text(lesson)
    assert any(sentence.startswith(f"Filter {filter_number} lays ") for sentence in step_2.sentences)
    assert f"The model's own output at row {row}, column {column} of map {filter_number}:" in step_2.notes[0]
    assert f"filter {filter_number}'s map" in " ".join(first_steps.relu_text(lesson).sentences)
    lines = recap.recap_lines(lesson, "…", decision.decision_lesson(model, lesson.pixels, classes),
                              answer_of([0.5, 0.5]))
    assert f"filter {filter_number} of `conv1`" in " ".join(lines)
