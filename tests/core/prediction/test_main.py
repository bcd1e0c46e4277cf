"""python -m core.prediction: good, bad and mixed inputs, the CSV, and the exit codes."""

import csv
import subprocess
import sys

import pytest

from core.models.registry import MODELS_DIR_ENV
from core.prediction.__main__ import BAD_ARGUMENTS, NOTHING_READ, main
from tests.conftest import PROJECT_ROOT
from tests.core.prediction.conftest import flat_png


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    (folder / "more").mkdir(parents=True)
    (folder / "dog.png").write_bytes(flat_png(150))
    (folder / "more" / "cat.png").write_bytes(flat_png(95))
    (folder / "odd.png").write_bytes(flat_png(150, blue=220))
    (folder / "broken.jpg").write_bytes(b"this is not a photo")
    (folder / "notes.txt").write_text("not a photo, and not named like one")
    return folder


@pytest.fixture(autouse=True)
def fixture_models(fitted_models_dir, monkeypatch):
    monkeypatch.setenv(MODELS_DIR_ENV, str(fitted_models_dir))


def test_one_good_photo(photos, capsys):
    assert main([str(photos / "dog.png"), "--model", "overconfident", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"{photos / 'dog.png'}: dog (") and "neither-score" in out
    assert "The model gives it" in out


def test_a_folder_goes_on_past_a_bad_file_and_writes_the_csv(photos, tmp_path, capsys):
    table = tmp_path / "results.csv"
    assert main([str(photos), "--csv", str(table)]) == 0  # the only model is the default
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "broken.jpg" in errors[0] and "Traceback" not in captured.err
    assert "3/4" not in captured.err and "4/4" in captured.err  # the progress bar counts photo files, not notes.txt
    rows = list(csv.DictReader(table.open()))
    assert {row["file"].split("/")[-1]: row["answer"] for row in rows} == {
        "cat.png": "cat", "dog.png": "dog", "odd.png": "neither"}
    assert "3 of 4 photos read with overconfident" in captured.err


def test_nothing_readable_is_a_non_zero_exit(photos, tmp_path, capsys):
    assert main([str(photos / "broken.jpg"), str(tmp_path / "missing.png")]) == NOTHING_READ
    err = capsys.readouterr().err
    assert "missing.png: no such file or folder" in err and "no photo could be read" in err
    assert main([str(photos / "dog.png"), "--model", "nonexistent"]) == BAD_ARGUMENTS
    assert "No model named 'nonexistent'" in capsys.readouterr().err


def test_the_command_runs_as_a_module(photos, fitted_models_dir):
    command = [sys.executable, "-m", "core.prediction", str(photos / "dog.png"), str(photos / "broken.jpg")]
    result = subprocess.run(command,
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
                            env={"PATH": "/usr/bin:/bin", MODELS_DIR_ENV: str(fitted_models_dir),
                                 "TF_CPP_MIN_LOG_LEVEL": "3", "HOME": str(photos)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert ": dog (" in result.stdout and "broken.jpg" in result.stderr
