"""core/training/trust.py: fitting a model's temperature and "neither" score writes its card and statistics."""

import json

import numpy as np

from core.models import registry
from core.prediction.novelty import NoveltyScorer
from core.training import trust
from tests.conftest import make_class_folder
from tests.support.training_runs import make_split_data, run_tiny


def test_fit_writes_the_card_entries_and_the_statistics_file(tmp_path, capsys):
    data = make_split_data(tmp_path / "data")
    folder = run_tiny(data, tmp_path / "models")
    capsys.readouterr()  # training's own output
    other = make_class_folder(tmp_path / "other", classes=("objects", "bigcats"), per_class=4, size=36)
    assert trust.main([str(folder), "--data", str(data), "--other", str(other), "--train-sample", "20"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("model | test acc | T | ECE before | ECE after")
    assert printed[1].startswith("tiny | ")
    info = registry.read_card(folder)
    assert info.calibration.fitted and info.calibration.fitted_on == 8  # the validation photos
    assert info.calibration.temperature > 0 and info.calibration.unsure_rule["threshold"] >= 0.5
    assert info.novelty is not None and info.novelty.fitted_on == 20
    # Big cats are reported but kept out of the overall numbers.
    assert set(info.novelty.caught) == {"objects", "bigcats", "overall"}
    assert info.novelty.caught["overall"] == info.novelty.caught["objects"]
    assert info.novelty.validation_flag_rate <= 0.03  # 8 validation photos: none may cross
    scorer = NoveltyScorer.load(folder / info.novelty.file)
    assert scorer.threshold == info.novelty.threshold and scorer.layer == info.novelty.layer
    with np.load(folder / info.novelty.file) as stored:  # only statistics: no arrays shaped like photos
        assert all(stored[key].ndim <= 2 for key in stored.files)
    card = json.loads((folder / "model.json").read_text())
    assert {item["layer"] for item in card["novelty"]["candidates"]} >= {"final dense input"}
    # A score that calls the app's own demo cat or dog "neither" is kept only when every candidate does.
    passing = {(item["layer"], item["method"]) for item in card["novelty"]["candidates"]
               if not item["flags_demo_photos"]}
    assert not passing or (info.novelty.layer, info.novelty.method) in passing


def test_a_missing_other_folder_is_a_clear_error(tmp_path, capsys):
    data = make_split_data(tmp_path / "data")
    folder = run_tiny(data, tmp_path / "models")
    assert trust.main([str(folder), "--data", str(data), "--other", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
