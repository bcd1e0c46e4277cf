"""The lint rules in ruff.toml hold over the whole tree (CI runs them through this test)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from tests.conftest import PROJECT_ROOT
from tests.support.requirements import require


def test_ruff_finds_nothing():
    require(importlib.util.find_spec("ruff") is not None, "ruff (requirements.txt)")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
