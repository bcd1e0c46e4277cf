"""core/trust/fit.py: fitting a model's temperature and "neither" score writes its card and statistics."""

import json

import numpy as np

from core.models import registry
from core.prediction.novelty import NoveltyScorer
from core.trust import fit
from harness.photo_files import make_class_folder
from tests.support.real_photos import make_real_folder
from tests.support.training_runs import make_split_data, run_tiny


def test_fit_writes_the_card_entries_and_the_statistics_file(tmp_path, capsys):
    data = make_split_data(tmp_path / "data")
    folder = run_tiny(data, tmp_path / "models")
    capsys.readouterr()  # training's own output
    other = make_class_folder(tmp_path / "other", classes=("objects", "bigcats"), per_class=4, size=36)
    real = make_real_folder(tmp_path / "real", {("a", "cat"): 4, ("a", "dog"): 4, ("b", "dog"): 2})
    assert fit.main([str(folder), "--data", str(data), "--other", str(other), "--real", str(real),
                       "--train-sample", "20"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("model | test acc | real acc | T | ECE before | ECE after | real ECE after")
    assert printed[1].startswith("tiny | ")
    info = registry.read_card(folder)
    # T was fitted on the 8 validation photos and the real fitting half (5 of the 10 real photos).
    assert info.calibration.fitted and info.calibration.fitted_on == 13 and info.calibration.fitted_on_real == 5
    assert info.calibration.temperature > 0 and info.calibration.unsure_rule["threshold"] >= 0.5
    real_calibration = info.calibration.real
    assert real_calibration["count"] == 5
    assert set(real_calibration["accuracy"]) == {"colour", "greyscale", "rotated", "phone upload"}
    assert real_calibration["reliability_after"]["split"] == "held-out real"
    # The training sample and its greyscale and sideways copies, plus every copy of the 5 real fitting photos.
    assert info.novelty is not None and info.novelty.fitted_on == 20 * 3 + 5 * 3
    # Big cats are reported but kept out of the overall numbers.
    assert set(info.novelty.caught) == {"objects", "bigcats", "overall"}
    assert info.novelty.caught["overall"] == info.novelty.caught["objects"]
    assert info.novelty.validation_flag_rate <= 0.03  # 8 validation photos: none may cross
    assert info.novelty.real["count"] == 5
    assert set(info.novelty.real["flagged"]) == {"colour", "greyscale", "rotated", "phone upload"}
    assert isinstance(info.novelty.shown, bool) and info.novelty.targets == fit.TARGETS
    assert info.novelty.shown == (info.novelty.real["auroc"] >= 0.85 and info.novelty.real_flag_rate <= 0.03)
    assert "5 real photos" in info.novelty.line_set_on
    scorer = NoveltyScorer.load(folder / info.novelty.file)
    assert scorer.threshold == info.novelty.threshold and scorer.layer == info.novelty.layer
    with np.load(folder / info.novelty.file) as stored:  # only statistics: no arrays shaped like photos
        assert all(stored[key].ndim <= 2 for key in stored.files)
    card = json.loads((folder / "model.json").read_text())
    candidates = card["novelty"]["candidates"]
    assert {item["layer"] for item in candidates} >= {"final dense input"}
    # Chosen on fitting data alone: the most other photos caught (by cross-validation), no demo-photo rule.
    best = max(candidates, key=lambda item: (item["caught_overall"], item["fitting_auroc_overall"]))
    assert (best["layer"], best["method"]) == (info.novelty.layer, info.novelty.method)
    assert all("flags_demo_photos" not in item for item in candidates)


def test_without_real_photos_the_card_says_nothing_about_them(tmp_path, capsys):
    data = make_split_data(tmp_path / "data")
    folder = run_tiny(data, tmp_path / "models")
    capsys.readouterr()  # training's own output
    other = make_class_folder(tmp_path / "other", classes=("objects",), per_class=4, size=36)
    assert fit.main([str(folder), "--data", str(data), "--other", str(other), "--no-real",
                       "--train-sample", "20"]) == 0
    info = registry.read_card(folder)
    assert info.calibration.fitted_on == 8 and info.calibration.fitted_on_real == 0 and not info.calibration.real
    assert info.novelty.real == {} and "real photos" not in info.novelty.line_set_on
    assert capsys.readouterr().out.splitlines()[1].split(" | ")[2] == "-"


def test_a_missing_other_or_real_folder_is_a_clear_error(tmp_path, capsys):
    data = make_split_data(tmp_path / "data")
    folder = run_tiny(data, tmp_path / "models")
    assert fit.main([str(folder), "--data", str(data), "--other", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    other = make_class_folder(tmp_path / "other", classes=("objects",), per_class=4, size=36)
    assert fit.main([str(folder), "--data", str(data), "--other", str(other), "--real",
                       str(tmp_path / "no_real")]) == 2
    assert "--no-real" in capsys.readouterr().err
