"""Fragility: each change to the photo does what it says, and hand-built models flip where arithmetic says they must.

The brightness model reads the photo's mean brightness: it says "dog" above 127.5, so a grey photo of 100 flips
between ×1.25 (125) and ×1.5 (150). The linear model's score moves by exactly ε·Σ|w| under FGSM.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from core.explain import fgsm, fragility
from core.prediction.photo_answer import AnswerTools, answer_pixels
from core.wording.percent import probability_percent

TEMPERATURE = 1.7
TOOLS = AnswerTools(class_names=("cats", "dogs"), temperature=TEMPERATURE)


def sigmoid(value):
    return 1.0 / (1.0 + np.exp(-np.asarray(value, dtype=np.float64)))


def brightness_model(size: int = 16) -> keras.Model:
    """logit = mean red + mean green + mean blue (each 0..1) − 1.5: "dog" when the photo is brighter than 127.5."""
    pixels = keras.Input((size, size, 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(pixels)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    model = keras.Model(pixels, outputs, name="brightness")
    model.get_layer("output").set_weights([np.ones((3, 1), np.float32), np.array([-1.5], np.float32)])
    return model


def grey(level: int, size: int = 16) -> np.ndarray:
    return np.full((size, size, 3), level, np.uint8)


def brightness_logit(level: float) -> float:
    return 3 * level / 255 - 1.5


def test_a_brighter_photo_flips_where_the_mean_crosses_the_line():
    sweep = fragility.sweep(brightness_model(), TOOLS, grey(100), "brightness")
    assert sweep.original == 0  # 100 < 127.5: cat
    assert sweep.flipping_values == (1.5, 2, 2.5, 3)  # 150, 200, 250 and 255 (clipped) are above 127.5
    assert sweep.nearest_flip() == 1.5
    cat_unchanged = 1 - sigmoid(brightness_logit(100) / TEMPERATURE)
    dog_at_150 = sigmoid(brightness_logit(150) / TEMPERATURE)
    cat_at_125 = 1 - sigmoid(brightness_logit(125) / TEMPERATURE)
    assert sweep.probabilities[sweep.position(1.5), 1] == pytest.approx(dog_at_150, abs=1e-6)
    cat, dog = probability_percent(cat_unchanged), probability_percent(dog_at_150)
    assert sweep.sentence(1.5) == f"With brightness ×1.5, the answer flips from cat ({cat}) to dog ({dog})."
    assert sweep.sentence(1.25) == (f"With brightness ×1.25, it still says cat: {probability_percent(cat_at_125)}, "
                                    f"against {probability_percent(cat_unchanged)} unchanged.")
    assert "flips" not in sweep.sentence(0.5)
    assert sweep.summary.startswith("4 of the 14 values from ×0.1 to ×3 flip the answer; the nearest to the "
                                    f"unchanged photo is ×1.5, where it says dog ({probability_percent(dog_at_150)}).")


def test_a_sweep_that_never_crosses_the_line_says_so_with_its_range():
    sweep = fragility.sweep(brightness_model(), TOOLS, grey(20), "brightness")  # ×3 is 60: still dark
    assert sweep.flipping_values == ()
    cats = [1 - sigmoid(brightness_logit(np.rint(20 * factor)) / TEMPERATURE) for factor in sweep.values]
    assert sweep.summary == (f"None of the 14 values from ×0.1 to ×3 flips the answer: it stays cat, between "
                             f"{probability_percent(min(cats))} and {probability_percent(max(cats))}.")


@pytest.mark.parametrize("key", fragility.CONTROL_KEYS)
def test_the_unchanged_point_of_every_curve_is_the_classify_answer(tiny_model, key):
    photo = np.random.default_rng(3).integers(0, 256, (40, 56, 3)).astype(np.uint8)
    answer = answer_pixels(tiny_model, TOOLS, [("photo", photo)])[0]
    sweep = fragility.sweep(tiny_model, TOOLS, photo, key)
    unchanged = sweep.probabilities[sweep.position(sweep.control.neutral)]
    assert unchanged == pytest.approx(answer.probabilities, abs=1e-6)
    assert sweep.original == answer.index
    assert sweep.sentence(sweep.control.neutral) == (
        f"Unchanged, the model gives it {probability_percent(answer.confidence)} {answer.label[:-1]}, "
        "as on the Classify page.")


def linear_model(weights: np.ndarray, bias: float) -> keras.Model:
    pixels = keras.Input(weights.shape, name="pixels")
    x = layers.Flatten(name="flatten")(pixels)
    outputs = layers.Dense(1, activation="sigmoid", name="output")(x)
    model = keras.Model(pixels, outputs, name="linear")
    model.get_layer("output").set_weights([weights.reshape(-1, 1).astype(np.float32),
                                           np.array([bias], np.float32)])
    return model


@pytest.mark.parametrize(("answer", "steps"), [(1, 1), (0, 1), (1, 10)])
def test_fgsm_moves_a_linear_score_by_epsilon_times_the_sum_of_the_weights(answer, steps):
    """One push of ε; ten pushes of 2.5·ε/10 kept within ε end at the same corner for a linear score."""
    rng = np.random.default_rng(7)
    weights = rng.choice([-1.0, 1.0], (4, 4, 3)) * rng.uniform(0.005, 0.02, (4, 4, 3))
    photo = (128 + rng.integers(-20, 21, (4, 4, 3))).astype(np.uint8)  # ε ≤ 32 never reaches 0 or 255
    total = float(np.abs(weights).sum())
    start = 2.5 * total  # the answer's score: it falls by ε·Σ|w|, so it crosses 0 between ε = 2 and ε = 3
    logit = start if answer == 1 else -start
    bias = logit - float((weights * photo).sum())
    nudge = fgsm.nudge(linear_model(weights, bias), TOOLS, photo, steps=steps)
    assert nudge.original == answer
    expected = np.array([start - epsilon * total for epsilon in fgsm.EPSILONS])
    assert nudge.scores == pytest.approx(expected, rel=1e-4, abs=1e-4)
    dog = sigmoid((expected if answer == 1 else -expected) / TEMPERATURE)
    assert nudge.probabilities[:, 1] == pytest.approx(dog, abs=1e-5)
    assert nudge.smallest_flip == 3
    # Each number moves against its weight for "dog", with it for "cat".
    assert np.array_equal(nudge.direction, (-np.sign(weights) if answer == 1 else np.sign(weights)).astype(np.int8))
    assert nudge.moved(2) == 48 and np.abs(nudge.nudged(2).astype(int) - photo).max() == 2
    assert "flips" not in nudge.sentence(2) and "the answer flips" in nudge.sentence(3)
    assert nudge.summary.startswith("The smallest nudge that flips the answer is ε = 3 levels")


def test_a_nudge_that_never_flips_says_none_did_up_to_the_largest():
    weights = np.full((4, 4, 3), 0.01)
    photo = np.full((4, 4, 3), 128, np.uint8)
    model = linear_model(weights, 100.0 - 0.01 * 128 * 48)  # score 100, at most 32 × 0.48 = 15.4 lower
    nudge = fgsm.nudge(model, TOOLS, photo)
    assert nudge.smallest_flip is None
    assert nudge.summary.startswith("No nudge up to ε = 32 flips the answer")


def test_noise_is_seeded_has_the_spread_asked_for_and_stays_in_range():
    photo = grey(128, 64)
    assert np.array_equal(fragility.add_noise(photo, 0), photo)
    noisy = fragility.add_noise(photo, 10, seed=1)
    assert np.array_equal(noisy, fragility.add_noise(photo, 10, seed=1))
    assert not np.array_equal(noisy, fragility.add_noise(photo, 10, seed=2))
    assert np.std(noisy.astype(float) - 128) == pytest.approx(10, abs=0.3)
    loud = fragility.add_noise(photo, 300)
    assert loud.dtype == np.uint8 and (loud == 0).any() and (loud == 255).any()


def test_quarter_turns_are_exact_and_other_turns_leave_no_black_corners():
    photo = np.random.default_rng(0).integers(0, 256, (16, 16, 3)).astype(np.uint8)
    assert np.array_equal(fragility.rotate(photo, 0), photo)
    assert np.array_equal(fragility.rotate(photo, 90), np.rot90(photo))
    assert np.array_equal(fragility.rotate(photo, 180), np.rot90(photo, 2))
    assert np.array_equal(fragility.rotate(photo, -90), np.rot90(photo, 3))
    assert np.array_equal(fragility.rotate(grey(90), 45), grey(90))  # the corners mirror the edge


def test_shrinking_loses_the_detail_finer_than_the_side():
    checkers = np.where((np.indices((16, 16)).sum(axis=0) % 2)[..., None], 255, 0).repeat(3, axis=2).astype(np.uint8)
    assert np.array_equal(fragility.shrink(checkers, 16), checkers)
    shrunk = fragility.shrink(checkers, 8)  # every 2×2 block averages 0, 255, 0, 255
    assert shrunk.shape == checkers.shape and shrunk.min() >= 127 and shrunk.max() <= 128


def test_brightness_multiplies_and_clips():
    assert np.array_equal(fragility.brighten(grey(200), 0.5), grey(100))
    assert np.array_equal(fragility.brighten(grey(200), 2), grey(255))
    assert np.array_equal(fragility.brighten(grey(200), 1), grey(200))


def test_a_covering_square_sits_where_it_is_asked_to():
    black = grey(0)
    middle = fragility.cover(black, 0.5, "middle")
    assert (middle[4:12, 4:12] == fragility.COVER_GREY).all() and middle.sum() == 8 * 8 * 3 * fragility.COVER_GREY
    corner = fragility.cover(black, 0.25, "bottom right")
    assert (corner[12:, 12:] == fragility.COVER_GREY).all() and corner[:12].sum() == 0
    assert np.array_equal(fragility.cover(black, 0, "top"), black)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: fragility.add_noise(grey(1), -1), "cannot be negative"),
    (lambda: fragility.shrink(grey(1), 0), "from 1 to 16"),
    (lambda: fragility.shrink(grey(1), 17), "from 1 to 16"),
    (lambda: fragility.brighten(grey(1), -0.5), "cannot be negative"),
    (lambda: fragility.cover(grey(1), 1.5), "share from 0 to 1"),
    (lambda: fragility.cover(grey(1), 0.5, "centre"), "can sit at"),
    (lambda: fragility.control("blur"), "Unknown change 'blur'"),
    (lambda: fragility.control("shrink"), "input side"),
    (lambda: fragility.rotate(np.zeros((4, 4)), 10), "RGB photo"),
])
def test_a_wrong_setting_is_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_value_off_the_grid_or_nudges_not_from_zero_are_clear_errors():
    sweep = fragility.sweep(brightness_model(), TOOLS, grey(100), "brightness")
    with pytest.raises(ValueError, match="not one of the values tried"):
        sweep.sentence(1.2)
    with pytest.raises(ValueError, match="starting at 0"):
        fgsm.nudge(brightness_model(), TOOLS, grey(100), epsilons=(1, 2))
    with pytest.raises(ValueError, match="1 to 20 pushes"):
        fgsm.nudge(brightness_model(), TOOLS, grey(100), steps=0)
