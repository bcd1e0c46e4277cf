"""Every step's sentences and checkpoint, checked against numbers worked out here."""

from __future__ import annotations

import math
import re

import keras
import numpy as np
import pytest

from core.explain.heat_map import HeatMap
from core.lesson import decision, deeper, first_steps, learning, limits, looked, recap
from core.lesson.first_layer import first_layer_lesson
from core.models.registry import NoveltyCard
from core.prediction.photo_answer import answer_pixels
from core.training.history import history_from_dict
from tests.core.lesson.models import answer_of, answer_tools, mobilenet_like, photo

#: An output layer of one sigmoid unit, as the shipped models end, for tests that make up their answers.
SIGMOID_UNIT = keras.layers.Dense(1, activation="sigmoid", name="output")


def test_photo_step_counts_the_numbers(classic):
    text = first_steps.photo_text(classic[2])
    assert text.checkpoint.right_option == "1,200"  # 20 × 20 × 3
    assert "20×20×3 = 1,200 numbers" in text.sentences[0]
    assert "0 becomes 0 and 255 becomes 1" in text.sentences[2]


def test_filter_step_asks_for_sum_plus_bias_when_there_is_a_bias(classic):
    lesson = classic[2]
    text = first_steps.filter_text(lesson)
    assert "stride 1" in text.sentences[0] and '"valid" padding' in text.sentences[0]
    worked = lesson.worked
    assert text.checkpoint.right_option == first_steps.format_number(worked.weighted_sum + worked.bias)
    assert "✓ the same" in text.notes[0]


def test_filter_step_without_a_bias_asks_for_the_27_multiplications(mobile):
    text = first_steps.filter_text(mobile[2])
    assert text.checkpoint.right_option == "27"
    assert "stride 2" in text.sentences[0] and "no bias" in text.sentences[1]
    assert "Sliding two pixels" in text.sentences[2]


def test_relu_step_answer_is_relu_of_the_number_asked(classic, mobile):
    for lesson in (classic[2], mobile[2]):
        text = first_steps.relu_text(lesson)
        number = float(re.search(r"receives (−?[0-9.]+[0-9])", text.checkpoint.question).group(1).replace("−", "-"))
        expected = min(max(number, 0.0), lesson.relu.cap or math.inf)
        assert float(text.checkpoint.right_option.replace("−", "-")) == pytest.approx(expected)
    assert "caps every number at 6" in first_steps.relu_text(mobile[2]).sentences[0]


def test_pool_step_keeps_the_largest_and_says_when_the_model_has_no_pooling(classic, mobile):
    lesson = classic[2]
    text = first_steps.pool_text(lesson)
    window = first_steps.pool_window(lesson)
    assert float(text.checkpoint.right_option) == pytest.approx(float(window.max()), abs=10 ** -lesson.region_decimals)
    assert "`pool1` does exactly this" in text.sentences[2]
    assert "no pooling layer here" in first_steps.pool_text(mobile[2]).sentences[2]


def test_deeper_step_shapes_are_the_models_own(classic):
    model, pixels, _ = classic
    lesson = deeper.deeper_lesson(model, pixels)
    assert lesson.chain_text == "20×20×3 → 18×18×4 → 9×9×4 → 7×7×6 → 3×3×6"
    assert [maps.shape for maps in lesson.pictured] == [(18, 18, 4), (7, 7, 6), (3, 3, 6)]
    assert deeper.deeper_text(lesson).checkpoint.right_option == "6"
    channel, picture = deeper.strongest_map(lesson.pictured[0])
    assert picture.dtype == np.uint8 and picture.shape == (18, 18)
    assert channel == int(np.argmax(lesson.pictured[0].activations.mean(axis=(0, 1))))


def test_decision_neuron_is_the_models_logit_for_flatten_and_global_pooling(classic, mobile):
    for model, pixels, _ in (classic, mobile):
        lesson = decision.decision_lesson(model, pixels, ("cats", "dogs"))
        probability = float(model(pixels[None].astype(np.float32))[0, 0])
        assert lesson.probabilities[1] == pytest.approx(probability, abs=1e-6)
        assert lesson.neuron.z == pytest.approx(math.log(probability / (1 - probability)), abs=1e-4)
        answer = answer_pixels(model, answer_tools(), [("photo", pixels)])[0]
        text = decision.decision_text(lesson, answer, 1.0)
        assert text.checkpoint.right_option == ("dog" if probability > 0.5 else "cat")
    flat = decision.decision_lesson(*classic[:2], ("cats", "dogs"))
    assert flat.collapse_kind == "flatten" and flat.collapse_size == 54 and flat.hidden == (("dense", 5),)
    pooled = decision.decision_lesson(*mobile[:2], ("cats", "dogs"))
    assert pooled.collapse_kind == "global average pooling" and pooled.first_map_mean == pytest.approx(
        pooled.first_pooled, abs=1e-6)


def test_the_decision_step_says_how_z_becomes_the_percentage_every_page_shows(classic):
    model, pixels, _ = classic
    lesson = decision.decision_lesson(model, pixels, ("cats", "dogs"))
    # The page's percentage after dividing z by T = 2, worked out by hand from the neuron's z.
    dog = 1 / (1 + math.exp(-lesson.neuron.z / 2.0))
    answer = answer_of([1 - dog, dog])
    top, name = (dog, "dog") if dog >= 0.5 else (1 - dog, "cat")
    squash = decision.decision_text(lesson, answer, 2.0).sentences[2]
    assert "divides z by T = 2.00" in squash and f"σ(z / T) gives **{round(100 * top)}% {name}**" in squash
    assert "the percentage every page shows" in squash
    assert "as it is" in decision.decision_text(lesson, answer, 1.0).sentences[2]


def test_looked_text_names_the_predicted_class():
    heat = np.zeros((4, 4))
    heat[3, 0] = 1.0
    cam = HeatMap("Grad-CAM", class_index=0, values=heat, caption="", score=2.0, probability=0.8, predicted_class=0,
                  details={"layer": "conv"})
    text = looked.looked_text(cam, answer_of([0.8, 0.2]))
    assert text.checkpoint.right_option == "cat" and "neither" in text.checkpoint.options
    assert "bottom left" in text.sentences[1]
    empty = HeatMap("Grad-CAM", 0, np.zeros((4, 4)), "", 0.0, 0.5, 0, details={"layer": "conv"})
    assert "heat map is empty" in looked.looked_text(empty, answer_of([0.6, 0.4])).sentences[1]
    assert text.sentences[0] == "The model gives it **80% cat** (cat: 80% · dog: 20%)."


def test_learning_text_best_epoch_and_frozen_base(classic, mobile):
    history = history_from_dict({"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [0.8, 0.6, 0.4, 0.7],
                                 "val_accuracy": [0.5, 0.6, 0.81, 0.7]})
    lesson = learning.learning_lesson(classic[0], "classic_like", history, classic[2].channel)
    text = learning.learning_text(lesson)
    assert text.checkpoint.right_option == "3"
    assert "lowest at epoch 3 and 81.0%" in text.sentences[1]
    assert not lesson.frozen_base and not lesson.untrained.trained
    frozen = learning.learning_lesson(mobile[0], "mobilenet_like", history, mobile[2].channel)
    assert frozen.frozen_base and "frozen" in learning.learning_text(frozen).sentences[2]
    no_validation = learning.learning_lesson(classic[0], "x", history_from_dict({"loss": [1.0, 0.5]}), 0)
    assert learning.learning_text(no_validation).checkpoint.right_option == "2"


def test_limits_answers_come_from_the_model(classic):
    model, pixels, _ = classic
    cup = photo(20, seed=9)
    trials = limits.limits_trials(model, answer_tools(), pixels, {"A cup (neither class)": cup})
    assert [trial.kind for trial in trials] == ["original", "neither", "sideways", "tiny"]
    probability = float(model(cup[None].astype(np.float32))[0, 0])
    assert trials[1].answer.probabilities[1] == pytest.approx(probability, abs=1e-5)
    text = limits.limits_text(trials, output=model.get_layer("output"))
    assert text.checkpoint.right_option == ("dog" if probability > 0.5 else "cat")
    assert "neither" in text.checkpoint.options
    assert np.array_equal(limits.sideways(pixels)[0], pixels[:, -1])
    assert limits.tiny(pixels).shape == pixels.shape
    with pytest.raises(ValueError, match="neither class"):
        limits.limits_trials(model, answer_tools(), pixels, {})


def test_limits_text_says_flipped_only_when_the_answer_changed():
    cat, dog = answer_of([0.9, 0.1]), answer_of([0.2, 0.8])
    picture = np.zeros((2, 2, 3), np.uint8)
    trials = [limits.Trial("Your photo", picture, cat, "original"), limits.Trial("A cup (neither class)", picture, dog,
                                                                                    "neither"),
              limits.Trial("sideways", picture, dog, "sideways"), limits.Trial("tiny", picture, cat, "tiny")]
    sentence = limits.limits_text(trials, output=SIGMOID_UNIT).sentences[1]
    assert "flips the answer to dog (80%)" in sentence and "it still says cat (90%)" in sentence


def test_recap_relu_question(classic):
    model, pixels, lesson = classic
    result = decision.decision_lesson(model, pixels, ("cats", "dogs"))
    text = recap.recap_text(lesson, result)
    assert text.checkpoint.right_option == first_steps.format_number(max(0.0, lesson.worked.pre_activation))
    lines = recap.recap_lines(lesson, "a → b", result, answer_of([0.3, 0.7]))
    assert lines[0] == "**Pixels**: 20×20×3 = 1,200 numbers." and "a → b" in lines[3]
    assert lines[-1] == "**Probability**: dog 70%."


def test_unreadable_models_get_a_clear_message():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(x))
    with pytest.raises(ValueError, match="not followed by a ReLU"):
        first_layer_lesson(model, photo(8), "no_relu")
    with pytest.raises(ValueError, match="no Dense output"):
        decision.decision_lesson(model, photo(8), ("cats", "dogs"))


def test_limits_text_reports_the_neither_flag_from_the_card_and_nothing_without_one():
    cat = answer_of([0.9, 0.1])
    picture = np.zeros((2, 2, 3), np.uint8)
    trials = [limits.Trial("Your photo", picture, cat, "original"),
              limits.Trial("A cup (neither class)", picture, cat, "neither"),
              limits.Trial("sideways", picture, cat, "sideways"), limits.Trial("tiny", picture, cat, "tiny")]
    card = NoveltyCard(method="knn", layer="base pooled", threshold=0.2, test_flag_rate=0.023,
                       caught={"overall": 0.8951, "people": 0.71})
    first = limits.limits_text(trials, card, output=SIGMOID_UNIT).sentences[0]
    assert first.endswith("it caught 89.5% of such photos checked, and wrongly flagged 2.3% of the test cats and "
                          "dogs (photos shrunk like the training ones).")
    assert "second score" not in limits.limits_text(trials, output=SIGMOID_UNIT).sentences[0]
    assert limits.flag_sentence(NoveltyCard(method="knn", layer="x", threshold=1.0)) == ""


def test_learning_text_counts_the_fine_tuned_layers_of_the_base():
    model = mobilenet_like()
    base = model.get_layer("base")
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name == "conv_dw_2"  # as core.models.fine_tuned marks a fine-tuned top block
    history = history_from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]})
    lesson = learning.learning_lesson(model, "tuned_like", history, 0)
    assert lesson.frozen_base and lesson.fine_tuned_layers == 1
    assert "only the head on top and 1 layer near the top of the base (fine-tuned)" in \
        learning.learning_text(lesson).sentences[2]
    frozen = learning.learning_lesson(mobilenet_like(), "frozen_like", history, 0)
    assert frozen.fine_tuned_layers == 0
    assert "only the head on top trained" in learning.learning_text(frozen).sentences[2]


def _base_output(model: keras.Model, inner: str, pixels: np.ndarray) -> np.ndarray:
    """The mobilenet-like base cut at ``inner`` on the rescaled photo: the model's own numbers."""
    base = model.get_layer("base")
    scaled = (pixels.astype(np.float32) / 127.5 - 1)[None]
    return keras.ops.convert_to_numpy(keras.Model(base.inputs[0], base.get_layer(inner).output)(scaled))[0]


def test_relu_step_follows_step_twos_number_through_batch_norm(mobile, classic):
    model, pixels, lesson = mobile
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    conv = float(_base_output(model, "conv1", pixels)[at])
    normalised = float(_base_output(model, "conv1_bn", pixels)[at])
    activated = float(_base_output(model, "conv1_relu", pixels)[at])
    fmt = first_steps.format_number
    assert (f"step 2's {fmt(conv)} comes out of it as {fmt(normalised)}, which ReLU6 makes {fmt(activated)}"
            in first_steps.relu_text(lesson).sentences[1])
    note = first_steps.relu_text(lesson).notes[1]
    assert note.endswith(f"the model's `conv1_bn` gives {fmt(normalised)} (✓ the same).")
    assert f"× {fmt(1.5)} + {fmt(-0.2)} = {fmt(normalised)}" in note  # the test model's gamma and beta
    model, pixels, lesson = classic
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    after = float(keras.Model(model.inputs[0], model.get_layer("conv1").output)(pixels[None].astype(np.float32))[
        (0, *at)])
    assert (f"step 2's {fmt(lesson.worked.pre_activation)} is one of its numbers, which ReLU makes {fmt(after)}"
            in first_steps.relu_text(lesson).sentences[1])


def test_recap_relu_line_and_question_follow_batch_norm_then_relu6(mobile):
    model, pixels, lesson = mobile
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    conv, normalised, activated = (float(_base_output(model, name, pixels)[at])
                                   for name in ("conv1", "conv1_bn", "conv1_relu"))
    fmt = first_steps.format_number
    result = decision.decision_lesson(model, pixels, ("cats", "dogs"))
    line = recap.recap_lines(lesson, "a → b", result, answer_of([0.5, 0.5]))[2]
    assert line == (f"**Batch normalisation, then ReLU6**: `conv1_bn` turns {fmt(conv)} into {fmt(normalised)}, "
                    f"and ReLU6 makes that {fmt(activated)}.")
    text = recap.recap_text(lesson, result)
    assert f"made it {fmt(normalised)}. What does ReLU6 make of that?" in text.checkpoint.question
    assert text.checkpoint.right_option == fmt(activated)


def test_recap_answer_is_capped_at_six_when_the_model_clips():
    model = mobilenet_like()
    # A large batch-norm scale and shift push the map above 6, where ReLU6 clips.
    model.get_layer("base").get_layer("conv1_bn").set_weights(
        [np.full(4, 40.0), np.full(4, 7.0), np.zeros(4), np.ones(4)])
    pixels = photo(24, seed=3)
    lesson = first_layer_lesson(model, pixels, "clipping")
    at = (lesson.worked.row, lesson.worked.column, lesson.channel)
    normalised = float(_base_output(model, "conv1_bn", pixels)[at])
    activated = float(_base_output(model, "conv1_relu", pixels)[at])
    assert normalised > 6 and activated == pytest.approx(6.0)
    text = recap.recap_text(lesson, decision.decision_lesson(model, pixels, ("cats", "dogs")))
    assert text.checkpoint.right_option == "6"
    assert first_steps.format_number(normalised) in text.checkpoint.options  # the uncapped number is a wrong option


def test_recap_says_keep_the_largest_only_for_a_model_that_max_pools(classic, mobile):
    for model, pixels, lesson in (classic, mobile):
        has_max_pooling = any(isinstance(layer, keras.layers.MaxPooling2D) for layer in _leaves(model))
        strides = {int(layer.strides[0]) for layer in _leaves(model)
                   if isinstance(layer, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)) and layer.strides[0] > 1}
        global_pool = any(isinstance(layer, keras.layers.GlobalAveragePooling2D) for layer in _leaves(model))
        sentence = recap.recap_text(lesson, decision.decision_lesson(model, pixels, ("cats", "dogs"))).sentences[0]
        assert ("keep the largest" in sentence) == has_max_pooling
        assert ("pixels at a time to shrink the maps" in sentence) == bool(strides)
        assert ("average each last map into one number" in sentence) == global_pool
    assert recap.recap_text(classic[2], decision.decision_lesson(*classic[:2], ("cats", "dogs"))).sentences[0] == (
        "A CNN is arithmetic: multiply, add, keep the positives, keep the largest, repeat, and squash the last "
        "number into a probability.")
    assert recap.recap_text(mobile[2], decision.decision_lesson(*mobile[:2], ("cats", "dogs"))).sentences[0] == (
        "A CNN is arithmetic: multiply, add, keep the positives, move 2 pixels at a time to shrink the maps, repeat, "
        "average each last map into one number, and squash the last number into a probability.")


def _leaves(model: keras.Model) -> list[keras.layers.Layer]:
    """Every layer that is not itself a model, in call order, nested models opened."""
    return [leaf for layer in model.layers
            for leaf in (_leaves(layer) if isinstance(layer, keras.Model) else [layer])]


def _weighted_layers(model: keras.Model) -> tuple[list[str], list[str]]:
    """(trained, frozen) leaf layers with weights, read from each layer's own trainable weights."""
    leaves = [layer for layer in _leaves(model) if layer.weights]
    return ([layer.name for layer in leaves if layer.trainable_weights],
            [layer.name for layer in leaves if not layer.trainable_weights])


def test_training_sentences_say_which_layers_trained(classic, mobile):
    history = history_from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]})
    trained, frozen = _weighted_layers(classic[0])
    assert not frozen
    every = learning.learning_text(learning.learning_lesson(classic[0], "classic_like", history, 0)).sentences[0]
    assert "moved every weight" in every
    assert "training chose every weight" in recap.recap_text(
        classic[2], decision.decision_lesson(*classic[:2], ("cats", "dogs"))).sentences[1]
    trained, frozen = _weighted_layers(mobile[0])
    assert trained == ["head_conv", "output"] and len(frozen) == 3  # conv1, conv1_bn, conv_dw_2
    head = f"{len(trained)} layers of head ({', '.join(trained)})"
    sentence = learning.learning_text(learning.learning_lesson(mobile[0], "mobilenet_like", history, 0)).sentences[0]
    assert "every weight" not in sentence.replace("did not move every weight", "")
    assert f"it moved only the weights of {head} a little" in sentence
    assert f"the other {len(frozen)} layers with weights stayed frozen" in sentence
    recap_sentence = recap.recap_text(mobile[2], decision.decision_lesson(*mobile[:2], ("cats", "dogs"))).sentences[1]
    assert f"training here chose the weights of {head}" in recap_sentence and "every weight" not in recap_sentence


def test_fine_tuned_layers_of_the_base_are_named_with_the_head():
    model = mobilenet_like()
    base = model.get_layer("base")
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name == "conv_dw_2"
    history = history_from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]})
    sentence = learning.learning_text(learning.learning_lesson(model, "tuned_like", history, 0)).sentences[0]
    trained, frozen = _weighted_layers(model)
    assert trained == ["conv_dw_2", "head_conv", "output"]
    assert "1 layer of base (conv_dw_2) and 2 layers of head (head_conv, output)" in sentence
    assert f"the other {len(frozen)} layers with weights stayed frozen" in sentence


def test_limits_words_the_real_output_layer(classic):
    model, pixels, _ = classic
    trials = limits.limits_trials(model, answer_tools(), pixels, {"A cup (neither class)": photo(20, seed=9)})
    dog = float(model(pixels[None].astype(np.float32))[0, 0])  # the one sigmoid unit: P(dog); cat is 1 minus it
    assert trials[0].answer.probabilities == pytest.approx((1 - dog, dog), abs=1e-5)
    output = model.get_layer("output")
    assert (output.units, output.activation.__name__) == (1, "sigmoid")
    first = limits.limits_text(trials, output=output).sentences[0]
    assert first.startswith("The model has one output, a sigmoid unit: the probability of dog; cat gets 1 minus it. "
                            "So every photo gets cat or dog, even one that is neither: a cup: ")
    assert "two outputs" not in first
    softmax = keras.layers.Dense(2, activation="softmax", name="scores")
    assert limits.limits_text(trials, output=softmax).sentences[0].startswith(
        "The model has 2 outputs, a softmax that shares a total probability of 1 among cat and dog. ")


def test_deeper_says_where_the_maps_do_not_get_more_numerous(mobile, classic):
    model, pixels, _ = mobile
    head_conv = model.get_layer("head").get_layer("head_conv")
    before, after = (tuple(int(v) for v in shape[1:]) for shape in (head_conv.input.shape, head_conv.output.shape))
    assert before[:2] == after[:2] and after[2] < before[2]  # 6×6×4 → 6×6×3
    sentence = deeper.deeper_text(deeper.deeper_lesson(model, pixels)).sentences[1]
    label = "×".join
    assert sentence == ("Each deeper layer combines the maps before it: overall they get smaller and more numerous, "
                        f"24×24×3 → 12×12×4 → 6×6×4 → 6×6×3, except at `head_conv`, which keeps them "
                        f"{before[0]}×{before[1]} but makes them fewer ({label(map(str, before))} → "
                        f"{label(map(str, after))}).")
    assert deeper.deeper_text(deeper.deeper_lesson(*classic[:2])).sentences[1] == (
        "Each deeper layer combines the maps before it: they get smaller and more numerous, "
        "20×20×3 → 18×18×4 → 9×9×4 → 7×7×6 → 3×3×6.")


def test_a_wholly_frozen_model_says_training_moved_none_of_its_weights():
    model = mobilenet_like()
    model.trainable = False
    _, frozen = _weighted_layers(model)
    history = history_from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]})
    sentence = learning.learning_text(learning.learning_lesson(model, "all_frozen", history, 0)).sentences[0]
    assert f"moved none of its weights: all {len(frozen)} layers with weights are frozen" in sentence
