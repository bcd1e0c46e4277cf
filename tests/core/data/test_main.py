"""The command line: python -m core.data check FOLDER | split SOURCE DEST."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data import __main__
from harness.photo_files import make_class_folder
from tests.core.data.test_check import plant_problems


@pytest.fixture
def messy_folder(tmp_path) -> tuple[Path, dict[str, str]]:
    root = make_class_folder(tmp_path / "photos", per_class=10)
    return root, plant_problems(root)


def test_command_line_check_and_split(messy_folder, tmp_path, capsys):
    root, _ = messy_folder
    assert __main__.main(["check", str(root)]) == 0
    printed = capsys.readouterr().out
    assert "truncated" in printed and "cats/cut.jpg" in printed and "usable" in printed
    assert __main__.main(["split", str(root), str(tmp_path / "out"), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "train" in printed and "Left out" in printed
    assert __main__.main(["split", str(root), str(tmp_path / "out")]) == 2
    assert "not empty" in capsys.readouterr().err

