"""Comparing shipped models and explaining their test results: tables, durations, confusion matrices, sentences."""

from __future__ import annotations

import numpy as np
import pytest

from core.training import report
from tests.core.training.samples import CARD, METRICS, make_history


def test_comparison_row_gathers_card_metrics_and_history():
    row = report.comparison_row("classic", "Classic CNN", CARD, METRICS)
    assert row.parameters == 3453121 and row.epochs == 20
    assert row.test_accuracy == 0.9 and row.roc_auc == 0.95 and row.f1 == pytest.approx(0.842, abs=1e-3)
    table = row.as_dict()
    assert table["training time"] == "1 h 02 min"
    assert list(table)[:5] == ["model", "parameters", "epochs", "training time", "test accuracy"]


def test_comparison_row_falls_back_on_the_history_and_tolerates_gaps():
    history = make_history(epochs=7)
    row = report.comparison_row("mystery", "Mystery", {"test_accuracy": 0.6, "parameters": "many"},
                              {"roc_auc": float("nan")}, history)
    assert row.epochs == 7 and row.training_seconds == pytest.approx(87.5)
    assert row.test_accuracy == 0.6
    assert row.parameters is None and row.roc_auc is None and row.precision is None


@pytest.mark.parametrize("seconds, text", [(None, ""), (-1, ""), (12.4, "12 s"), (185, "3 min 05 s"),
                                           (3725, "1 h 02 min")])
def test_format_duration(seconds, text):
    assert report.format_duration(seconds) == text


def test_confusion_summary_counts_and_normalised_rows():
    summary = report.confusion_summary(METRICS)
    assert summary.class_names == ("cats", "dogs")
    assert summary.total == 105 and summary.correct == 90
    np.testing.assert_allclose(summary.normalised, [[50 / 55, 5 / 55], [0.2, 0.8]])
    np.testing.assert_allclose(report.normalise_rows(np.array([[0, 0], [1, 3]])), [[0, 0], [0.25, 0.75]])


@pytest.mark.parametrize("metrics, message", [
    ({}, "no confusion matrix"),
    ({"confusion_matrix": [[1, 2, 3], [4, 5, 6]]}, "square"),
    ({"confusion_matrix": [[1, -2], [3, 4]]}, "negative"),
    ({"confusion_matrix": [[1, 2], [3, 4]], "class_names": ["a", "b", "c"]}, "3 class names"),
])
def test_bad_confusion_matrices(metrics, message):
    with pytest.raises(ValueError, match=message):
        report.confusion_summary(metrics)


def test_metric_sentences_use_this_models_numbers():
    sentences = report.metric_sentences(METRICS)
    assert "Accuracy 85.7%" in sentences.accuracy and "90 of the 105" in sentences.accuracy
    # 45 photos called dogs, 40 of them dogs: precision 88.9%, matching metrics.json.
    assert "Precision 88.9%" in sentences.precision
    assert "of the 45 photos the model called dogs, 40 really were dogs" in sentences.precision
    assert "Recall 80.0%" in sentences.recall and "of the 50 real dogs among the test photos" in sentences.recall
    assert "among the held-out photos" in report.metric_sentences(METRICS, photos="held-out photos").recall
    assert "missed 10" in sentences.recall
    assert "F1 84.2%" in sentences.f1 and "harmonic mean" in sentences.f1


def test_metric_sentences_need_two_classes():
    with pytest.raises(ValueError, match="two-class"):
        report.metric_sentences({"confusion_matrix": np.eye(3, dtype=int).tolist()})


def test_wrong_photos_found_locally_most_confident_first(tmp_path):
    for relative in ("cats/cat_1.jpg", "dogs/dog_2.jpg"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"jpeg")
    (tmp_path.parent / "outside.jpg").write_bytes(b"jpeg")
    wrong = report.wrong_photos(METRICS, tmp_path)
    # The missing file and the one outside the test folder are left out.
    assert [photo.file for photo in wrong] == ["dogs/dog_2.jpg", "cats/cat_1.jpg"]
    assert wrong[0].confidence == 0.95 and wrong[0].true_class == "dogs" and wrong[0].predicted_class == "cats"
    assert report.wrong_photos(METRICS, tmp_path / "absent") == []
    assert report.wrong_photos(METRICS, None) == []


def test_describe_card():
    card = {"parameters": 1234567, "epochs_run": 12, "epochs_requested": 20, "batch_size": 32,
            "augmentation": "training", "training_seconds": 185, "machine": "x86_64 CPU x2"}
    assert report.describe_card(card) == ("1,234,567 parameters · 12 epochs of 20 asked · batch 32 · "
                                          "augmentation: training · 3 min 05 s on x86_64 CPU x2")
    assert report.describe_card({"epochs_run": 3, "training_seconds": 12}) == "3 epochs · 12 s on unknown machine"
    assert report.describe_card({"parameters": "many"}) == ""


def test_comparison_table_shows_shares_as_percentages():
    rows = [report.comparison_row("classic", "Classic CNN", CARD, METRICS),
            report.comparison_row("mystery", "Mystery", {}, {})]
    table = report.comparison_table(rows)
    assert list(table.columns) == ["model", "parameters", "epochs", "training time", "test accuracy", "precision",
                                   "recall", "F1", "ROC AUC"]
    assert table["test accuracy"].tolist()[0] == pytest.approx(90.0)
    assert table["F1"].tolist()[0] == pytest.approx(84.21, abs=0.01)
    assert table["ROC AUC"].tolist()[0] == 0.95  # not a share: left as it is
    assert np.isnan(table["precision"].tolist()[1])  # unknown stays unknown
    assert report.comparison_table([]).empty


@pytest.mark.parametrize("seconds, text", [(None, "…"), (0.2, "0 s"), (75, "1 min 15 s")])
def test_format_seconds_for_a_running_clock(seconds, text):
    assert report.format_seconds(seconds) == text


def test_a_wrong_photo_caption_says_what_the_model_gave_it_not_how_sure_it_was(tmp_path):
    photo = report.WrongPhoto(tmp_path / "a.jpg", "cats/a.jpg", "cats", "dogs", (0.3, 0.7))
    assert photo.caption == "Really a cat. The model gives it 70% dog."
    assert report.WrongPhoto(tmp_path / "b.jpg", "b.jpg", "dogs", "cats", (0.9999, 0.0001)).caption == \
        "Really a dog. The model gives it over 99% cat."


def test_wrong_photos_note():
    assert report.wrong_photos_note(3, 5, "/data/test") == \
        "3 mistakes on this machine's test photos, the most confident first."
    assert report.wrong_photos_note(0, 5, "/data/test") == (
        "The model got 5 test photos wrong, but the test photos are not on this machine (looked in /data/test).")
    assert report.wrong_photos_note(0, 0, "/data/test") == "No mistakes are listed in metrics.json."


@pytest.mark.parametrize("found, most", [(5, None), (12, None), (13, 18), (25, 30), (60, 60), (500, 60)])
def test_the_wrong_photo_slider_offers_whole_rows(found, most):
    assert report.wrong_photo_slider_max(found) == most


def test_roc_texts_and_photo_choices():
    assert report.roc_auc_sentence(0.8766) == ("ROC AUC on the whole test set (metrics.json): 0.877. 1.0 means every "
                                               "dog scored above every cat; 0.5 is guessing.")
    assert report.roc_threshold_sentence("dogs").startswith(
        "Each point is one threshold: a photo is called dogs when its probability is above it.")
    assert report.roc_photo_choices(1000) == (20, 1000, 200)
    assert report.roc_photo_choices(100) == (20, 100, 100)
    assert report.roc_photo_choices(5) == (20, 20, 20)
    assert report.roc_photo_choices(0) == (20, 1000, 200)  # unknown size: up to a thousand


def test_a_class_never_predicted_gets_no_precision_percentage():
    # Every held-out photo called "cats": nothing was called a puppy, so precision has nothing to measure.
    sentences = report.metric_sentences({"confusion_matrix": [[5, 0], [5, 0]], "class_names": ["cats", "puppy"]},
                                        photos="held-out photos")
    assert "never answered puppy for any of the 10 held-out photos" in sentences.precision
    assert "%" not in sentences.precision and "of the 0 photos" not in sentences.precision
    assert "found 0 and missed 5" in sentences.recall
    assert "none to measure" in sentences.f1


def test_no_real_positives_means_no_recall_and_rates_never_round_to_perfect():
    sentences = report.metric_sentences({"confusion_matrix": [[9, 1], [0, 0]], "class_names": ["cats", "dogs"]})
    assert "no real dogs among the test photos" in sentences.recall
    assert "Precision 0%" in sentences.precision  # counted: none of them, so no decimal
    assert ("of the 1 photo the model called dogs, 0 really were dogs (the other 1 was cat)"
            in sentences.precision)
    nearly = report.metric_sentences({"confusion_matrix": [[4999, 1], [0, 5000]], "class_names": ["cats", "dogs"]})
    assert "**Accuracy over 99.9%**: 9,999 of the 10,000" in nearly.accuracy and "Recall 100%" in nearly.recall
    empty = report.metric_sentences({"confusion_matrix": [[0, 0], [0, 0]], "class_names": ["cats", "dogs"]})
    assert "no test photos" in empty.accuracy


def test_counts_of_one_are_singular_in_the_metric_sentences():
    # Two held-out photos, both called "dog": one really a dog, the other a cat (own classes, named in the singular).
    sentences = report.metric_sentences({"confusion_matrix": [[0, 1], [0, 1]], "class_names": ["cat", "dog"]},
                                        photos="held-out photos")
    assert "of the 2 photos the model called dog, 1 really was dog (the other 1 was cat)" in sentences.precision
    assert "of the 1 real dog among the held-out photos, the model found 1 and missed 0" in sentences.recall
    # The shipped plural class names take their singular for one photo, and "the other 0" is never written.
    shipped = report.metric_sentences({"confusion_matrix": [[3, 0], [1, 1]], "class_names": ["cats", "dogs"]})
    assert "of the 1 photo the model called dogs, 1 really was dog: when it says dogs" in shipped.precision
    assert "the other 0" not in shipped.precision
    assert "of the 2 real dogs among the test photos, the model found 1 and missed 1" in shipped.recall


def test_machines_sentence_groups_models_by_machine():
    rows = [report.comparison_row(name, name, {"machine": machine}, {}) for name, machine in
            (("transfer", "x86_64 CPU x2"), ("compact", "NVIDIA H100 GPU"), ("baseline", "x86_64 CPU x2"),
             ("mystery", ""))]
    assert report.machines_sentence(rows) == ("Trained: transfer, baseline on x86_64 CPU x2; compact on NVIDIA H100 "
                                             "GPU; mystery on an unknown machine.")
    assert report.machines_sentence([]) == ""
