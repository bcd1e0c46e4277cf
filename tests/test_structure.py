"""The project's shape (issue #11): core/ never touches Streamlit, and no page or module grows past its size.

These read the source tree, so a newcomer's map of the project (app.py routes,
app_pages/ lay out, ui/ shows, core/ computes) stays true as the code changes.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

CORE = PROJECT_ROOT / "core"

#: The only places that may import streamlit: the router, the pages and their views.
STREAMLIT_ALLOWED = (PROJECT_ROOT / "app.py", PROJECT_ROOT / "app_pages", PROJECT_ROOT / "ui")

#: Not the app's code: the tests drive the app, the benchmarks time it, the harness feeds both.
NOT_APP_CODE = {"tests", "bench", "harness"}

MAX_PAGE_LINES = 150
MAX_MODULE_LINES = 400


def python_files(folder: Path) -> list[Path]:
    """Every .py file under ``folder``, skipping hidden folders and caches."""
    found = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(name for name in subdirectories
                                   if not name.startswith(".") and name != "__pycache__")
        found.extend(Path(directory) / name for name in sorted(files) if name.endswith(".py"))
    return found


def app_files() -> list[Path]:
    """The app's own Python files: everything in the repository except tests/, bench/ and the virtual environment."""
    files = [path for path in python_files(PROJECT_ROOT)
             if path.relative_to(PROJECT_ROOT).parts[0] not in NOT_APP_CODE]
    return files


def streamlit_imports(path: Path) -> list[str]:
    """'line N: import streamlit ...' for every import of streamlit in ``path``, at any depth (functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]  # importlib.import_module("streamlit") counts too
        found += [f"line {node.lineno}: {name}" for name in names if name.split(".")[0] == "streamlit"]
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT))


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_import_finder_sees_every_kind_of_streamlit_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nimport streamlit as st\nfrom streamlit.testing.v1 import AppTest\n"
        "def later():\n    import streamlit.components.v1\n    return importlib.import_module('streamlit')\n"
        "from . import streamlit_like\nimport streamlitish\n"
    )
    assert streamlit_imports(sample) == [
        "line 2: streamlit", "line 3: streamlit.testing.v1", "line 5: streamlit.components.v1", "line 6: streamlit"]


def test_nothing_under_core_imports_streamlit():
    files = python_files(CORE)
    assert len(files) > 50  # the walk really found the package
    offenders = {relative(path): found for path in files if (found := streamlit_imports(path))}
    assert offenders == {}, f"core/ must never import streamlit (move the code to ui/): {offenders}"


def test_importing_every_core_module_does_not_load_streamlit():
    # The static check misses an import made by a third-party package on core's behalf; this sees it.
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in python_files(CORE) if path.name != "__main__.py"  # __main__ runs a command when imported
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(name for name in sys.modules if name == 'streamlit' or name.startswith('streamlit.'))\n"
        "print(len(sys.modules), loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, (
        f"importing core loaded streamlit or failed:\n{result.stdout}\n{result.stderr[-3000:]}")
    assert "core.imaging.photo" in modules and "core.models.inference" in modules


def test_only_the_router_pages_and_views_import_streamlit():
    offenders = {}
    for path in app_files():
        if any(path == allowed or allowed in path.parents for allowed in STREAMLIT_ALLOWED):
            continue
        found = streamlit_imports(path)
        if found:
            offenders[relative(path)] = found
    assert offenders == {}, f"only app.py, app_pages/ and ui/ may import streamlit: {offenders}"
    # ... and the pages do use it, so the walk above did look at them.
    assert streamlit_imports(PROJECT_ROOT / "app.py")


def test_every_page_is_at_most_150_lines():
    pages = python_files(PROJECT_ROOT / "app_pages")
    assert pages, "app_pages/ holds the pages"
    too_long = {relative(path): line_count(path) for path in pages if line_count(path) > MAX_PAGE_LINES}
    assert too_long == {}, (
        f"a page lays out its title, intro, tabs and calls to views in at most {MAX_PAGE_LINES} lines; "
        f"move views to ui/<page>/ and computation to core/: {too_long}")


def test_no_module_under_core_or_ui_is_over_400_lines():
    modules = python_files(CORE) + python_files(PROJECT_ROOT / "ui")
    too_long = {relative(path): line_count(path) for path in modules if line_count(path) > MAX_MODULE_LINES}
    assert too_long == {}, f"split modules over {MAX_MODULE_LINES} lines by concept: {too_long}"


def marks_browser(path: Path) -> bool:
    """Whether a test module marks itself (``pytestmark``) or each of its tests as a browser test."""
    tree = ast.parse(path.read_text())
    module_mark = any(isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "pytestmark"
                                                               for target in node.targets)
                      and "browser" in ast.unparse(node.value) for node in tree.body)
    tests = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    each_marked = all(any("mark.browser" in ast.unparse(decorator) for decorator in test.decorator_list)
                      for test in tests)
    return module_mark or (bool(tests) and each_marked)


def test_every_browser_test_is_marked_as_one():
    modules = [path for path in python_files(PROJECT_ROOT / "tests" / "browser") if path.name.startswith("test_")]
    assert modules, "tests/browser/ holds the real-browser tests"
    unmarked = [relative(path) for path in modules if not marks_browser(path)]
    assert unmarked == [], (
        f"mark them with pytest.mark.browser, so `pytest -m 'not browser'` leaves them out: {unmarked}")


#: Every folder of Python the repository holds, the tests and benchmarks included.
FOLDERS = ("core", "ui", "app_pages", "deploy", "bench", "harness", "scripts", "tests")


def import_graph(folders: tuple[str, ...] = FOLDERS) -> dict[str, set[str]]:
    """Module name -> the project's modules it imports (anywhere in the file: a deferred import is one too)."""
    modules = {}
    for folder in folders:
        for path in python_files(PROJECT_ROOT / folder):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph[name].update(target for target in targets if target in modules and target != name)
    return graph


def package_of(module: str) -> str:
    """``core.training.train`` -> ``core.training``; a module right under a folder (``core.paths``) is its own."""
    return ".".join(module.split(".")[:2])


def test_no_import_circle_between_modules_or_between_packages():
    graph = import_graph()
    circles = []
    for start in graph:  # a depth-first walk back to the start finds each module circle
        stack, seen = [(start, (start,))], set()
        while stack:
            module, path = stack.pop()
            for target in graph[module]:
                if target == start:
                    circles.append(" -> ".join((*path, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*path, target)))
    assert circles == [], f"modules that import each other: {circles[:5]}"
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(package_of(module), set()).update(package_of(target) for target in targets)
    both_ways = sorted({tuple(sorted((a, b))) for a, targets in packages.items() for b in targets
                        if a != b and a in packages.get(b, set())})
    assert both_ways == [], f"packages that import each other: {both_ways}"
    folders: dict[str, set[str]] = {}
    for module, targets in graph.items():
        folders.setdefault(module.split(".")[0], set()).update(target.split(".")[0] for target in targets)
    # bench/ and tests/ once imported each other: what both need lives in harness/, which imports neither.
    folder_circles = sorted({tuple(sorted((a, b))) for a, targets in folders.items() for b in targets
                             if a != b and a in folders.get(b, set())})
    assert folder_circles == [], f"top-level folders that import each other: {folder_circles}"
