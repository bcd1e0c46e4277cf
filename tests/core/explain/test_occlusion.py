"""core/explain/occlusion.py, occlusion sensitivity: covering what the model sees lowers its score, the rest does not.

The left-half model's logit has a closed form (see ``left_half_logit``), so the
drop for every square is worked out here with numpy, not by the code under test.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from core.explain import occlusion
from tests.support.explain_models import SIZE, left_half_model

GREY = 128


def bright_photo(seed: int = 0) -> np.ndarray:
    """A light photo (200..255): a grey square always darkens what it covers, so the model's score falls."""
    return np.random.default_rng(seed).integers(200, 256, (SIZE, SIZE, 3)).astype(np.uint8)


def left_half_logit(pixels: np.ndarray) -> float:
    """The left-half model's logit by hand: 3 × mean(conv) − 0.5, conv = 0.1 × each 3×3×3 window's sum.

    With 'same' padding, pixel (i, j) falls into r(i)·r(j) windows, r = 3 inside and 2 on the border.
    """
    x = pixels.astype(np.float64) / 255
    x[:, SIZE // 2:] = 0.0  # the model never sees the right half
    windows = np.full(SIZE, 3.0)
    windows[[0, -1]] = 2.0
    mean_conv = 0.1 * np.einsum("ijc,i,j->", x, windows, windows) / (SIZE * SIZE)
    return 3.0 * mean_conv - 0.5


def covered(pixels: np.ndarray, top: int, left: int, patch: int) -> np.ndarray:
    copy = pixels.copy()
    copy[top:top + patch, left:left + patch] = GREY
    return copy


def test_covering_the_left_lowers_the_score_and_covering_the_right_does_not():
    pixels = bright_photo()
    result = occlusion.explain(left_half_model(), pixels, class_index=1, patch=4, stride=4)
    drops = result.details["drops"]
    assert result.details["grid"] == (4, 4) and drops.shape == (4, 4)
    assert np.all(drops[:, :2] > 0.01)  # the left half: every square darkens what the model sees
    np.testing.assert_allclose(drops[:, 2:], 0.0, atol=1e-6)  # the right half: the model never looks there
    clean = left_half_logit(pixels)
    expected = np.array([[clean - left_half_logit(covered(pixels, top, left, 4)) for left in (0, 4, 8, 12)]
                         for top in (0, 4, 8, 12)])
    np.testing.assert_allclose(drops, expected, atol=1e-5)
    assert result.score == pytest.approx(clean, abs=1e-5)
    assert result.values.shape == (SIZE, SIZE) and result.values.max() == pytest.approx(1.0)
    assert np.all(result.values[:, : SIZE // 2] > 0) and np.all(result.values[:, SIZE // 2:] == 0)


def test_one_position_matches_running_the_model_on_a_covered_copy():
    model = left_half_model()
    pixels = bright_photo(seed=3)
    result = occlusion.explain(model, pixels, class_index=1, patch=6, stride=5)
    # A 6-pixel square on 16 pixels, at most 5 apart from edge to edge: it starts at 0, 5 and 10.
    assert result.details["tops"] == (0, 5, 10) and result.details["lefts"] == (0, 5, 10)

    def logit(photo: np.ndarray) -> float:
        dog = float(keras.ops.convert_to_numpy(model(photo[None].astype(np.float32), training=False))[0, 0])
        return float(np.log(dog) - np.log1p(-dog))

    # The square at row 5, column 0 (index 1, 0): the model's own answer with that part painted grey.
    assert result.details["drops"][1, 0] == pytest.approx(logit(pixels) - logit(covered(pixels, 5, 0, 6)), abs=1e-4)


def test_batch_size_does_not_change_the_result():
    model = left_half_model()
    pixels = bright_photo(seed=1)
    results = {size: occlusion.explain(model, pixels, class_index=1, patch=4, stride=4, batch_size=size)
               for size in (1, 3, 64)}
    # 16 covered copies and the photo itself: 17 runs, in 17, 6 and 1 network calls.
    assert [results[size].details["batches"] for size in (1, 3, 64)] == [17, 6, 1]
    assert {result.details["runs"] for result in results.values()} == {17}
    for size in (1, 3):
        np.testing.assert_allclose(results[size].details["drops"], results[64].details["drops"], atol=1e-6)
        np.testing.assert_allclose(results[size].values, results[64].values, atol=1e-5)


def test_the_predicted_class_by_default_and_the_other_one_on_request():
    model = left_half_model()
    pixels = bright_photo()
    dog = float(keras.ops.convert_to_numpy(model(pixels[None].astype(np.float32), training=False))[0, 0])
    result = occlusion.explain(model, pixels, patch=4, stride=4)
    assert result.predicted_class == int(dog > 0.5) == 1 and result.class_index == 1
    assert result.probability == pytest.approx(dog, abs=1e-6)
    cat = occlusion.explain(model, pixels, class_index=0, patch=4, stride=4)
    # One sigmoid unit: the cat score is minus the dog score, so covering the left *raises* it.
    assert cat.class_index == 0 and cat.predicted_class == 1
    np.testing.assert_allclose(cat.details["drops"], -result.details["drops"], atol=1e-6)
    assert cat.is_empty
    with pytest.raises(ValueError, match="does not exist"):
        occlusion.explain(model, pixels, class_index=2)


def test_caption_says_what_it_cost_and_where_covering_hurt_most():
    result = occlusion.explain(left_half_model(), bright_photo(), class_index=1, patch=8, stride=4,
                               class_names=("cats", "dogs"))
    # Squares at 0, 4 and 8 down and across: 9 places and the uncovered photo.
    assert "A grey square of 8×8 pixels, moved 4 pixels at a time, " in result.caption
    assert "covered 9 places (3×3): 10 network runs with the uncovered photo, in 1 batch and " in result.caption
    assert "of the photo lowered the score for dog most" in result.caption
    assert result.caption.startswith("Occlusion for dog: the heat sits at the left")
    assert result.details["runs"] == 10 and result.details["seconds"] >= 0


def test_defaults_are_a_quarter_of_the_side_moved_half_of_it():
    result = occlusion.explain(left_half_model(), bright_photo(), class_index=1)
    # A 4-pixel square on 16 pixels, moved 2 at a time: starts 0, 2, …, 12, that is 7 × 7 places.
    assert (result.details["patch"], result.details["stride"], result.details["grid"]) == (4, 2, (7, 7))
    assert "50 network runs" in result.caption


def test_a_dark_photo_gets_an_empty_map_and_says_covering_raised_the_score():
    dark = np.full((SIZE, SIZE, 3), 20, np.uint8)  # grey is lighter than the photo: covering adds to the score
    result = occlusion.explain(left_half_model(), dark, class_index=1, patch=4, stride=4)
    assert np.all(result.details["drops"][:, :2] < 0)
    assert result.is_empty
    assert "No square lowered the score for class 2; covering the" in result.caption
    assert "raised it most" in result.caption


@pytest.mark.parametrize(("settings", "message"), [
    (dict(patch=0), "patch must be a whole number of pixels from 1 to 16"),
    (dict(patch=17), "patch must be a whole number of pixels from 1 to 16"),
    (dict(patch=2.5), "patch must be a whole number"),
    (dict(patch=4, stride=0), "stride must be a whole number of pixels from 1 to the patch's 4"),
    (dict(patch=4, stride=5), "would leave strips no square ever covers"),
    (dict(patch=4, batch_size=0), "batch_size must be a whole number of at least 1"),
])
def test_impossible_settings_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        occlusion.explain(left_half_model(), bright_photo(), **settings)


def test_too_many_positions_are_refused_before_any_run():
    # A 1-pixel square moved 1 pixel at a time on 64×64 pixels: 4,096 places.
    with pytest.raises(ValueError, match="needs 4096 network runs"):
        occlusion.check_settings((64, 64), 1, 1)


def test_the_drops_sentence_counts_where_the_score_fell_and_rose():
    result = occlusion.explain(left_half_model(), bright_photo(), class_index=1, patch=4, stride=4)
    # Left half: 8 squares lower the score; right half: 8 squares change nothing.
    assert occlusion.drops_sentence(result, ("cat", "dog")) == (
        "One cell per place of the square, as on the photo: in 8 of 16 places the score for dog fell (blue, by the "
        "number shown), in 0 it rose (orange); in 8 it did not change.")


def test_squares_spread_evenly_from_edge_to_edge():
    # 16 pixels, a 6-pixel square at most 3 apart: 5 places over the 10 pixels it can move, 2.5 apart, rounded.
    assert occlusion.patch_starts(16, 6, 3) == (0, 2, 5, 8, 10)
    assert occlusion.steps_text((0, 2, 5, 8, 10), (0, 2, 5, 8, 10)) == "2 to 3 pixels"
    assert occlusion.patch_starts(16, 16, 4) == (0,)  # a square as large as the photo has one place
    result = occlusion.explain(left_half_model(), bright_photo(), class_index=1, patch=16, stride=16)
    assert result.details["grid"] == (1, 1) and "pixels, covered the photo at 1 place: 2 network runs" in result.caption


def test_only_a_models_first_occlusion_says_it_built_the_graph():
    model = left_half_model()
    first = occlusion.explain(model, bright_photo(), class_index=1, patch=8, stride=8)
    again = occlusion.explain(model, bright_photo(), class_index=1, patch=8, stride=8)
    assert "the first for this model: it includes " in first.caption
    assert "to build the network's graph once." in first.caption
    assert "graph" not in again.caption and again.details["tracing_seconds"] == 0
    np.testing.assert_array_equal(first.details["drops"], again.details["drops"])
