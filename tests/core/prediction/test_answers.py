"""core.prediction.answers: the shared words: percentages, class names, the model card, the "neither" record."""

import dataclasses

from core.models.registry import CalibrationCard, ModelInfo, NoveltyCard
from core.prediction.answers import (
    Prediction,
    flag_record,
    model_card_text,
    singular,
)

CLASSES = ("cats", "dogs")


def test_a_prediction_names_its_top_class_and_highlights_it_unless_unsure():
    prediction = Prediction(CLASSES, (0.973, 0.027))
    assert prediction.label == "cats" and prediction.confidence == 0.973
    assert not prediction.unsure and prediction.chosen == 0
    assert Prediction(CLASSES, (0.4, 0.6)).chosen is None


def test_the_unsure_threshold_without_a_calibrated_rule_is_65_percent():
    assert not Prediction(CLASSES, (0.35, 0.65)).unsure
    assert Prediction(CLASSES, (0.351, 0.649)).unsure


def test_singular_names():
    assert singular("cats") == "cat" and singular("flowers") == "flowers"


def novelty_card(caught: dict, test_flag_rate: float | None = 0.023) -> NoveltyCard:
    return NoveltyCard(method="knn", layer="base pooled", threshold=0.16, test_flag_rate=test_flag_rate,
                       caught=caught)


def test_the_flag_record_gives_each_kind_and_the_false_alarms():
    card = novelty_card({"animals": 0.7379, "bigcats": 0.6111, "objects_scenes": 0.9615, "people": 0.7111,
                         "overall": 0.8})
    assert flag_record(card, "cats and dogs") == (
        "When this model's \"neither\" flag was checked on photos of other things, it caught 80.0% of them "
        "(other animals 74%, objects and scenes 96%, people 71%; big cats, counted apart, 61%), "
        "and it wrongly flagged 2.3% of the test cats and dogs (photos shrunk like the training ones).")


def test_the_flag_record_says_how_many_real_photos_it_wrongly_flagged():
    card = NoveltyCard(method="outliers", layer="base pooled", threshold=1.0, test_flag_rate=0.012,
                       caught={"people": 0.8, "overall": 0.75},
                       real={"count": 150, "auroc": 0.97, "flagged": {"colour": 0.0133, "greyscale": 0.02}})
    assert flag_record(card, "cats and dogs").endswith(
        "it wrongly flagged 1.2% of the test cats and dogs (photos shrunk like the training ones) and 1.3% of "
        "150 real photos of cats and dogs from other sources.")


def test_a_flag_that_cannot_tell_real_photos_apart_gives_no_record_and_says_why():
    from core.prediction.answers import cannot_tell

    card = NoveltyCard(method="outliers", layer="final dense input", threshold=1.0, test_flag_rate=0.02,
                       caught={"overall": 0.3}, shown=False,
                       real={"count": 150, "auroc": 0.71, "flagged": {"colour": 0.14}})
    assert flag_record(card, "cats and dogs") == ""
    assert cannot_tell(card, "cats and dogs") == (
        "This model cannot tell a photo of something else from cats and dogs: it gives every photo one of its "
        "classes. When it was checked on 150 real photos of cats and dogs and photos of other things, its score "
        "told them apart only 71% of the time (a coin toss is 50%) and would have flagged 14% of the cats and "
        "dogs. So the app shows no \"neither\" verdict for it.")


def test_a_weak_flag_says_most_other_photos_get_no_flag():
    card = novelty_card({"objects_scenes": 0.2846, "people": 0.0222, "overall": 0.1537}, test_flag_rate=0.0)
    assert flag_record(card, "cats and dogs") == (
        "When this model's \"neither\" flag was checked on photos of other things, it caught 15.4% of them "
        "(objects and scenes 28%, people 2%), and it wrongly flagged none of the test cats and dogs (photos shrunk "
        "like the training ones). "
        "So most photos of other things get no flag from it.")


def test_an_unflagged_photo_gets_the_record_only_from_a_weak_flag():
    strong = novelty_card({"objects_scenes": 0.96, "overall": 0.8})
    weak = novelty_card({"objects_scenes": 0.34, "overall": 0.3})
    assert flag_record(strong, "cats and dogs", flagged=False) == ""
    assert flag_record(strong, "cats and dogs", flagged=True).startswith("When this model's")
    assert flag_record(weak, "cats and dogs", flagged=False) == flag_record(weak, "cats and dogs", flagged=True)
    assert flag_record(weak, "cats and dogs", flagged=False).endswith(
        "So most photos of other things get no flag from it.")
    assert flag_record(novelty_card({}), "cats and dogs", flagged=False) == ""  # nothing measured to warn about


def test_the_flag_record_never_rounds_a_share_to_0_or_100_percent():
    card = novelty_card({"people": 0.004, "objects_scenes": 0.996, "overall": 0.5}, test_flag_rate=None)
    assert flag_record(card, "cats and dogs") == (
        "When this model's \"neither\" flag was checked on photos of other things, it caught 50.0% of them "
        "(people under 1%, objects and scenes over 99%).")
    # None caught is a measured 0%, not a rounded one.
    assert "it caught 0% of them, and it wrongly" in flag_record(novelty_card({"overall": 0.0}), "cats and dogs")


def test_without_a_card_or_catch_rates_the_record_says_only_what_was_measured():
    assert flag_record(None, "cats and dogs") == ""
    assert flag_record(novelty_card({}, test_flag_rate=None), "cats and dogs") == ""
    assert flag_record(novelty_card({}), "cats and dogs") == (
        "When this model's \"neither\" flag was checked, it wrongly flagged 2.3% of the test cats and dogs "
        "(photos shrunk like the training ones).")


def test_model_card_text(tmp_path):
    info = ModelInfo(name="classic", title="Classic CNN", architecture="classic", kind="keras",
                     input_size=(150, 120), class_names=CLASSES, test_accuracy=0.9, folder=tmp_path,
                     card={"parameters": 1234567, "dataset": "Cats vs dogs", "dataset_licence": "CC BY 4.0."})
    assert model_card_text(info) == (
        "**Classic CNN** · input 150×120 RGB · 1,234,567 parameters · classes: cats, dogs\n\n"
        "Trained on: Cats vs dogs. CC BY 4.0."
    )


def test_a_fine_tuned_models_card_names_the_layers_that_changed(tmp_path):
    base = {"fine_tuned_layers": ["conv_dw_13", "conv_pw_13"], "fine_tuned_parameters": 67840,
            "fine_tuning": "the depthwise and pointwise convolutions of blocks 13-13 of 13 trained on"}
    info = ModelInfo(name="transfer", title="Transfer", architecture="transfer", kind="transfer",
                     input_size=(384, 384), class_names=CLASSES, test_accuracy=0.97, folder=tmp_path,
                     card={"parameters": 513713, "dataset": "Cats vs dogs", "base": base})
    assert ("\n\nFine-tuned: the depthwise and pointwise convolutions of blocks 13-13 of 13 trained on. The changed "
            "layers are conv_dw_13, conv_pw_13 (67,840 weights, shipped as the project's own); the rest of the base "
            "is ImageNet's.") in model_card_text(info)
    assert "Fine-tuned" not in model_card_text(
        ModelInfo(name="t", title="T", architecture="transfer", kind="transfer", input_size=(384, 384),
                  class_names=CLASSES, test_accuracy=0.96, folder=tmp_path, card={"base": {"trainable": False}}))


def test_model_card_text_without_a_card(tmp_path):
    info = ModelInfo(name="bare", title="Bare", architecture="tiny", kind="keras", input_size=(32, 32),
                     class_names=CLASSES, test_accuracy=None, folder=tmp_path)
    assert model_card_text(info) == ("**Bare** · input 32×32 RGB · 0 parameters · classes: cats, dogs\n\n"
                                     "Trained on: unknown. ")


def test_model_card_text_names_a_fitted_temperature(tmp_path):
    info = ModelInfo(name="bare", title="Bare", architecture="tiny", kind="keras", input_size=(32, 32),
                     class_names=CLASSES, test_accuracy=None, folder=tmp_path,
                     calibration=CalibrationCard(temperature=1.42613, fitted_on=1000))
    assert model_card_text(info).endswith(
        "\n\nIts percentages are calibrated: its final scores are divided by T = 1.43, fitted on 1,000 validation "
        "photos (the Training page's Calibration tab shows what that changed).")


def test_a_flag_that_learned_from_other_photos_says_how_it_was_measured():
    card = dataclasses.replace(novelty_card({"objects_scenes": 0.98, "overall": 0.966}), method="knn+outliers",
                               outliers_fitted_on=410)
    record = flag_record(card, "cats and dogs")
    assert "caught 96.6% of them" in record
    assert record.endswith("It learned what \"other\" looks like from 410 such photos and was measured only on "
                           "photos it had not learned from, but a kind of thing unlike all of them may be caught "
                           "less often.")
    assert "learned what" not in flag_record(novelty_card({"overall": 0.8}), "cats and dogs")
