"""core/prediction/photo_answer.py: the one path from a photo to the page's answer."""

import numpy as np
import pytest

from core.imaging.decode import ImageLoadError
from core.models import registry
from core.prediction.photo_answer import (
    NEITHER,
    answer_bytes,
    answer_pixels,
    answer_tools,
    answers_csv,
    calibration_report,
)
from tests.core.prediction.conftest import TRUE_TEMPERATURE, bayes_logit, flat_png


@pytest.fixture(scope="module")
def fitted(fitted_models_dir):
    info = registry.get_model_info("overconfident", fitted_models_dir)
    return registry.load_model(info), answer_tools(info)


def test_the_answer_uses_the_calibrated_percentage(fitted):
    model, tools = fitted
    assert tools.temperature == TRUE_TEMPERATURE and tools.unsure_below == 0.7
    answer = answer_bytes(model, tools, "dog.png", flat_png(135))
    # Calibration divides the fixture's inflated logit by its true temperature: the Bayes posterior remains.
    expected_dog = 1 / (1 + np.exp(-bayes_logit(np.array(135.0))))  # 82%
    raw_dog = 1 / (1 + np.exp(-TRUE_TEMPERATURE * bayes_logit(np.array(135.0))))
    assert answer.probabilities[1] == pytest.approx(expected_dog, abs=1e-4)
    assert answer.raw_probabilities[1] == pytest.approx(raw_dog, abs=1e-4)
    assert answer.answer == "dog" and not answer.unsure and not answer.neither
    assert answer.verdict == "It's a **dog**"
    assert answer.explanation.startswith(f"The model gives it {expected_dog:.0%} dog.")
    assert "Of the 40 test photos it scores like this (between 50% and 90%), about 70 in 100 were right." in (
        answer.explanation)
    # The score, its line and how it was checked are for the expander, not the first lines.
    assert "This looks like the cats and dogs I learned from." not in answer.explanation
    assert answer.details.startswith("This looks like the cats and dogs I learned from. Its features lie")
    assert answer.prediction.probabilities == answer.probabilities


def test_a_borderline_photo_is_not_sure_and_an_odd_one_is_neither(fitted):
    model, tools = fitted
    close, odd = answer_pixels(model, tools, [
        ("close", np.full((20, 20, 3), (122, 90, 90), np.uint8)),
        ("odd", np.full((20, 20, 3), (150, 90, 220), np.uint8)),
    ])
    assert close.confidence < 0.7 and close.unsure and close.answer == "not sure"
    assert close.verdict == "🤔 Not sure"
    assert close.summary == f"The model gives it {close.confidence:.0%} dog, below the 70% it needs to name a class."
    assert odd.neither and odd.answer == NEITHER and odd.verdict == "🤷 Neither a cat nor a dog?"
    # A flagged photo still gets the model's best guess, with its percentage, in the first sentence.
    guess = "over 99%" if odd.confidence >= 0.995 else f"{round(100 * odd.confidence)}%"
    assert odd.summary == f"This doesn't look like the cats and dogs I learned from. Its best guess: dog, {guess}."
    assert odd.explanation == odd.summary and "test photos" not in odd.explanation
    assert "only weigh cat against dog" in odd.details and "above the line" in odd.details
    # The heading and the first sentence together say what the model thinks in at most 25 words.
    for answer in (close, odd):
        assert len(f"{answer.verdict} {answer.summary}".split()) <= 25
    table = answers_csv([close, odd]).splitlines()
    assert table[0] == "file,answer,top_class,probability,unsure,neither,novelty_score,p_cats,p_dogs"
    assert table[2].startswith("odd,neither,dog,")


def test_a_card_without_the_new_entries_answers_uncalibrated_without_neither(tmp_path, fitted):
    model, _ = fitted
    info = registry.ModelInfo(name="old", title="old", architecture="fixture", kind="keras", input_size=(8, 8),
                              class_names=("cats", "dogs"), test_accuracy=None, folder=tmp_path)
    tools = answer_tools(info)
    assert tools.temperature == 1.0 and tools.scorer is None and tools.reliability is None
    answer = answer_bytes(model, tools, "dog.png", flat_png(150))
    assert answer.probabilities == answer.raw_probabilities and answer.novelty is None
    assert answer.explanation.startswith("The model gives it over 99% dog.")


def test_bad_bytes_raise_the_decoders_one_line_error(fitted):
    model, tools = fitted
    with pytest.raises(ImageLoadError):
        answer_bytes(model, tools, "notes.jpg", b"not a photo at all")
    assert answer_pixels(model, tools, []) == []


def test_the_note_says_the_rule_and_the_report_rebuilds_the_diagram(fitted_models_dir, fitted):
    _, tools = fitted
    assert "less than 70%" in tools.note and "held back 5 (60% of them would have been right)" in tools.note
    info = registry.get_model_info("overconfident", fitted_models_dir)
    report = calibration_report(info)
    assert report.temperature == TRUE_TEMPERATURE and report.after.count == 100
    old = registry.ModelInfo(name="old", title="old", architecture="fixture", kind="keras", input_size=(8, 8),
                             class_names=("cats", "dogs"), test_accuracy=None, folder=fitted_models_dir)
    assert calibration_report(old) is None
    assert "not calibrated" in answer_tools(old).note


def test_the_note_gives_the_catch_rate_unrounded_and_how_it_was_checked():
    from core.models.registry import NoveltyCard
    from core.prediction.novelty import NoveltyScorer
    from core.prediction.photo_answer import AnswerTools

    scorer = NoveltyScorer("knn", "layer", {"bank": np.ones((1, 2), np.float16)}, threshold=0.5)
    card = NoveltyCard(method="knn+outliers", layer="layer", threshold=0.5, test_flag_rate=0.022,
                       caught={"overall": 0.8951, "people": 0.9, "bigcats": 0.58}, outliers_fitted_on=410)
    note = AnswerTools(("cats", "dogs"), scorer=scorer, novelty_card=card).note
    assert ("when it was checked on photos it had not learned from, it caught 89.5% of other photos (kinds: "
            "people) and wrongly flagged 2.2% of the test cats and dogs (photos shrunk like the training ones).") \
        in note
    plain = AnswerTools(("cats", "dogs"), scorer=scorer,
                        novelty_card=NoveltyCard(method="knn", layer="layer", threshold=0.5, test_flag_rate=0.01)).note
    assert "when it was checked, it wrongly flagged 1.0% of the test cats and dogs" in plain


def test_a_model_whose_flag_cannot_tell_real_photos_apart_shows_no_neither(tmp_path, fitted_models_dir, fitted):
    import json
    import shutil

    model, _ = fitted
    folder = tmp_path / "overconfident"
    shutil.copytree(fitted_models_dir / "overconfident", folder)
    card = json.loads((folder / "model.json").read_text())
    card["novelty"].update(shown=False, real={"count": 150, "auroc": 0.7, "flagged": {"colour": 0.2}})
    (folder / "model.json").write_text(json.dumps(card))
    tools = answer_tools(registry.read_card(folder))
    assert tools.scorer is None and "cannot tell a photo of something else" in tools.note
    odd = answer_pixels(model, tools, [("odd", np.full((20, 20, 3), (150, 90, 220), np.uint8))])[0]
    assert not odd.neither and odd.novelty is None and odd.answer in ("cat", "dog", "not sure")
