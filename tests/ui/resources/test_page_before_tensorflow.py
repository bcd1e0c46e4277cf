"""The Classify page can draw its title and uploader before TensorFlow (or class mode's SQL) is imported."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT


def imported_modules(path) -> list[str]:
    """The modules a file imports at its top level."""
    tree = ast.parse(path.read_text())
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_app_and_its_landing_page_import_no_tensorflow_before_they_draw():
    modules = imported_modules(PROJECT_ROOT / "app.py") + imported_modules(PROJECT_ROOT / "app_pages" / "classify.py")
    assert "ui.resources.classify" in modules and "ui.classify.photos" in modules  # the page's own views
    code = ("import json, sys\n"
            f"for name in {modules!r}:\n"
            "    __import__(name)\n"
            "print(json.dumps(sorted(name for name in ('tensorflow', 'keras', 'sqlalchemy') if name in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    # TensorFlow takes seconds to import: the page draws first, and the model loads under "Loading the model…".
    # SQLAlchemy (0.6 s) waits for the first visitor in a class.
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
