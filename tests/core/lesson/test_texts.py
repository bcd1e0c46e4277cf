"""Every step's sentences and checkpoint, checked against numbers worked out here."""

from __future__ import annotations

import math
import re

import keras
import numpy as np
import pytest

from core.explain.gradcam import GradCam
from core.explain.model_answer import model_answer
from core.lesson import decision, deeper, first_steps, learning, limits, looked, recap
from core.lesson.first_layer import first_layer_lesson
from core.models.registry import NoveltyCard
from core.training.history import history_from_dict
from tests.core.lesson.models import mobilenet_like, photo


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
        text = decision.decision_text(lesson)
        assert text.checkpoint.right_option == ("dog" if probability > 0.5 else "cat")
    flat = decision.decision_lesson(*classic[:2], ("cats", "dogs"))
    assert flat.collapse_kind == "flatten" and flat.collapse_size == 54 and flat.hidden == (("dense", 5),)
    pooled = decision.decision_lesson(*mobile[:2], ("cats", "dogs"))
    assert pooled.collapse_kind == "global average pooling" and pooled.first_map_mean == pytest.approx(
        pooled.first_pooled, abs=1e-6)


def test_heat_place_and_share_from_hand_made_maps():
    corner = np.zeros((9, 9))
    corner[0, 8] = 1
    assert looked.heat_place(corner) == "top right"
    assert looked.heat_place(np.ones((9, 9))) == "middle"
    assert looked.heat_place(np.zeros((9, 9))) == "nowhere"
    assert looked.hot_share(corner) == pytest.approx(1 / 81)
    assert looked.hot_share(np.ones((10, 10))) == pytest.approx(0.5)


def test_looked_text_names_the_predicted_class():
    heat = np.zeros((4, 4))
    heat[3, 0] = 1.0
    cam = GradCam(layer="conv", class_index=0, heatmap=heat, cam=heat, channel_weights=np.ones(1), score=2.0,
                  probability=0.8, predicted_class=0)
    text = looked.looked_text(cam, ("cats", "dogs"), np.array([0.8, 0.2]))
    assert text.checkpoint.right_option == "cat" and "neither" in text.checkpoint.options
    assert "bottom left" in text.sentences[1]
    empty = GradCam("conv", 0, np.zeros((4, 4)), np.zeros((4, 4)), np.ones(1), 0.0, 0.5, 0)
    assert "heat map is empty" in looked.looked_text(empty, ("cats", "dogs"), np.array([0.6, 0.4])).sentences[1]


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
    trials = limits.limits_trials(model, ("cats", "dogs"), pixels, {"A cup (neither class)": cup})
    assert [trial.kind for trial in trials] == ["original", "neither", "sideways", "tiny"]
    probability = float(model(cup[None].astype(np.float32))[0, 0])
    assert trials[1].answer.probabilities[1] == pytest.approx(probability, abs=1e-5)
    text = limits.limits_text(trials)
    assert text.checkpoint.right_option == ("dog" if probability > 0.5 else "cat")
    assert "neither" in text.checkpoint.options
    assert np.array_equal(limits.sideways(pixels)[0], pixels[:, -1])
    assert limits.tiny(pixels).shape == pixels.shape
    with pytest.raises(ValueError, match="neither class"):
        limits.limits_trials(model, ("cats", "dogs"), pixels, {})


def test_limits_text_says_flipped_only_when_the_answer_changed():
    cat, dog = model_answer(("cats", "dogs"), [0.9, 0.1]), model_answer(("cats", "dogs"), [0.2, 0.8])
    picture = np.zeros((2, 2, 3), np.uint8)
    trials = [limits.Trial("Your photo", picture, cat, "original"), limits.Trial("A cup (neither class)", picture, dog,
                                                                                    "neither"),
              limits.Trial("sideways", picture, dog, "sideways"), limits.Trial("tiny", picture, cat, "tiny")]
    sentence = limits.limits_text(trials).sentences[1]
    assert "flips the answer to dog (80.0%)" in sentence and "it still says cat (90.0%)" in sentence


def test_recap_relu_question(classic):
    model, pixels, lesson = classic
    result = decision.decision_lesson(model, pixels, ("cats", "dogs"))
    text = recap.recap_text(lesson, result)
    assert text.checkpoint.right_option == first_steps.format_number(max(0.0, lesson.worked.pre_activation))
    lines = recap.recap_lines(lesson, "a → b", result)
    assert lines[0] == "**Pixels**: 20×20×3 = 1,200 numbers." and "a → b" in lines[3]


def test_unreadable_models_get_a_clear_message():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(x))
    with pytest.raises(ValueError, match="not followed by a ReLU"):
        first_layer_lesson(model, photo(8), "no_relu")
    with pytest.raises(ValueError, match="no Dense output"):
        decision.decision_lesson(model, photo(8), ("cats", "dogs"))


def test_limits_text_reports_the_neither_flag_from_the_card_and_nothing_without_one():
    cat = model_answer(("cats", "dogs"), [0.9, 0.1])
    picture = np.zeros((2, 2, 3), np.uint8)
    trials = [limits.Trial("Your photo", picture, cat, "original"),
              limits.Trial("A cup (neither class)", picture, cat, "neither"),
              limits.Trial("sideways", picture, cat, "sideways"), limits.Trial("tiny", picture, cat, "tiny")]
    card = NoveltyCard(method="knn", layer="base pooled", threshold=0.2, test_flag_rate=0.023,
                       caught={"overall": 0.8951, "people": 0.71})
    first = limits.limits_text(trials, card).sentences[0]
    assert first.endswith("it caught 89.5% of such photos checked, and wrongly flagged 2.3% of test cats and dogs.")
    assert "second score" not in limits.limits_text(trials).sentences[0]
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
