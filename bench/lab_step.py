"""How long the lab takes to answer a step or a click on the 5×5 edge example (server time).

Run: ``python bench/lab_step.py [--repeats 20]``

Server time is the time Streamlit spends executing Python for one rerun,
measured inside the script thread; AppTest's own polling and element parsing,
and Streamlit's clean-up after the script has finished (a ``gc.collect`` and
``keras.backend.clear_session()`` once Keras is imported), are left out.

Two numbers per action:
- "fragment": the stepping view alone. It is an ``st.fragment``, so in the
  browser a step, a previous/next or a click on an output cell reruns only it.
  This is the number the 100 ms budget applies to.
- "page": the whole page, as AppTest reruns it (AppTest does not do
  fragment-only reruns). An upper bound.

Baselines measured in the same run: the bare arithmetic with the step's texts and
grid figures (core.arithmetic.convolution, core.arithmetic.lab_steps,
core.figures.number_grid: what the stepping view computes) and a trivial
one-line Streamlit script run the same way.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import streamlit  # noqa: E402
from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.arithmetic import convolution, lab_steps, presets  # noqa: E402
from core.figures.number_grid import number_grid_figure, progress_figure  # noqa: E402

BUDGET_MS = 100.0
_script_times: list[float] = []
_original_exec = script_runner.exec_func_with_error_handling


def _timed_exec(*args, **kwargs):
    start = time.perf_counter()
    try:
        return _original_exec(*args, **kwargs)
    finally:
        _script_times.append(time.perf_counter() - start)


script_runner.exec_func_with_error_handling = _timed_exec

# The stepping view is an st.fragment: in the browser a step or a click reruns only it.
_fragment_times: list[float] = []
_original_fragment = streamlit.fragment


def _timed_fragment(func=None, *, run_every=None):
    @functools.wraps(func)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _fragment_times.append(time.perf_counter() - start)

    return _original_fragment(timed, run_every=run_every)


streamlit.fragment = _timed_fragment


def _last_script_ms(action) -> float:
    _script_times.clear()
    _fragment_times.clear()
    action()
    if not _script_times:
        raise RuntimeError("the script did not run")
    return sum(_script_times) * 1000


def _last_fragment_ms() -> float:
    return sum(_fragment_times) * 1000


def _summary(values: list[float]) -> str:
    return (f"median {statistics.median(values):7.2f} ms   min {min(values):7.2f}   max {max(values):7.2f}   "
            f"(n={len(values)})")


def bench_core(repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = convolution.convolve2d(presets.EDGE_IMAGE, presets.VERTICAL_EDGE, relu=True)
        output_range = (float(result.pre_activation.min()), float(result.pre_activation.max()))
        for index in range(result.cell_count):
            step = result.step(index)
            _ = step.expression, step.products_sum_text, step.bias_text
            _ = lab_steps.convolution_window(result, step).text
            _ = number_grid_figure(step.products[..., 0], diverging=True).to_dict()
            _ = progress_figure(result.pre_activation, index, title="Output", value_range=output_range).to_dict()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_trivial(repeats: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "trivial.py"
        script.write_text("import streamlit as st\nst.write('hello')\n")
        app = AppTest.from_file(str(script), default_timeout=60).run()
        return [_last_script_ms(lambda: app.run()) for _ in range(repeats)]


def bench_page(repeats: int) -> dict[str, list[float]]:
    app = AppTest.from_file(str(PROJECT_ROOT / "app_pages" / "lab.py"), default_timeout=120).run()
    if app.exception:
        raise RuntimeError(f"the lab page failed: {app.exception[0].value}")
    app.run()  # warm caches
    results: dict[str, list[float]] = {name: [] for name in (
        "next step, page", "next step, fragment", "previous, page", "previous, fragment",
        "jump to a cell, page", "jump to a cell, fragment")}
    for repeat in range(repeats):
        if app.session_state["lab_conv_step"] >= 9:
            app.button(key="lab_conv_first").click().run()
        results["next step, page"].append(_last_script_ms(lambda: app.button(key="lab_conv_next").click().run()))
        results["next step, fragment"].append(_last_fragment_ms())
        results["previous, page"].append(
            _last_script_ms(lambda: app.button(key="lab_conv_previous").click().run()))
        results["previous, fragment"].append(_last_fragment_ms())
        # A click on an output cell sets the step exactly like this slider does.
        target = 1 + (repeat * 4) % 9
        results["jump to a cell, page"].append(
            _last_script_ms(lambda target=target: app.slider(key="lab_conv_step").set_value(target).run()))
        results["jump to a cell, fragment"].append(_last_fragment_ms())
        if app.exception:
            raise RuntimeError(f"the lab page failed: {app.exception[0].value}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    arguments = parser.parse_args()
    print(f"Lab step benchmark, 5×5 edge example, {arguments.repeats} repeats, {os.cpu_count()} CPU cores")
    core_times = bench_core(arguments.repeats)
    print(f"baseline, arithmetic, texts and grids for all 9 steps: {_summary(core_times)}")
    trivial = bench_trivial(arguments.repeats)
    print(f"baseline, one-line Streamlit script:                  {_summary(trivial)}")
    page = bench_page(arguments.repeats)
    trivial_median = statistics.median(trivial)
    for name, values in page.items():
        median = statistics.median(values)
        print(f"lab, {name:<25}                   {_summary(values)}   "
              f"{median / trivial_median:6.1f}× the trivial script, {median / BUDGET_MS:4.2f} of the budget")
    worst = max(statistics.median(values) for name, values in page.items() if name.endswith("fragment"))
    verdict = "within" if worst < BUDGET_MS else "OVER"
    print(f"slowest step or click (fragment, median): {worst:.1f} ms: {verdict} the {BUDGET_MS:.0f} ms budget")


if __name__ == "__main__":
    main()
