"""core/paths.py: the project's folders, derived from where the code lives rather than from the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core import paths

#: Worked out from this test file's own place: tests/core/test_paths.py is three levels below the root.
ROOT = Path(__file__).resolve().parents[2]


def test_the_root_holds_the_app_and_the_packages():
    assert paths.PROJECT_ROOT == ROOT
    assert (paths.PROJECT_ROOT / "app.py").is_file() and (paths.PROJECT_ROOT / "core" / "paths.py").is_file()
    assert paths.PROJECT_ROOT.is_absolute()


def test_models_and_shared_folders():
    assert paths.MODELS_DIR == ROOT / "models"
    assert (paths.MODELS_DIR / "classic" / "model.json").is_file()  # the shipped models live there
    assert paths.SHARED_DIR == ROOT.parent / "shared"  # beside the clone, not inside it


def test_the_paths_do_not_depend_on_the_working_directory(tmp_path):
    code = "from core import paths; print(paths.PROJECT_ROOT); print(paths.MODELS_DIR); print(paths.SHARED_DIR)"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    printed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True,
                             text=True, check=True, timeout=60).stdout.splitlines()
    assert printed == [str(ROOT), str(ROOT / "models"), str(ROOT.parent / "shared")]
