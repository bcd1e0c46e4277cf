"""N students' photos answered at the same moment: one shared, batched run of the network against one run each.

    python bench/batching.py [--model transfer] [--students 1 10 30] [--repeats 5]

The path the Classify page uses for an upload once it is decoded:
``core.prediction.photo_answer.answer_pixels`` (the squeeze to the model's
input, the network's logits and "neither" features, the temperature, the
score), called from N threads at once, one per session, each with its own
1280-pixel working copy. Batched: the process's one
:class:`core.prediction.batching.PredictionBatcher` per model, as served.
One run each: a batcher with ``max_batch=1``, so each session runs the network
on its own photo, as before batching (the sessions still overlap on the cores).
Printed per N: the wall-clock until the last answer (median of the repeats),
CPU seconds per photo, the batch sizes the batcher ran, and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402

from core.models import registry  # noqa: E402
from core.prediction import batching  # noqa: E402
from core.prediction.features import feature_extractor  # noqa: E402
from core.prediction.photo_answer import answer_pixels, answer_tools  # noqa: E402


def working_copies(count: int, seed: int) -> list[np.ndarray]:
    """Distinct 960×1280 photos (the working copy's size for a portrait phone photo): no cache can help."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (96, 128, 3)).astype(np.uint8)
    return [np.clip(np.kron(base, np.ones((10, 10, 1), np.uint8)).astype(np.int16)
                    + rng.integers(-20, 20, (960, 1280, 3)), 0, 255).astype(np.uint8) for _ in range(count)]


def at_once(model, tools, photos: list[np.ndarray]) -> tuple[float, float]:
    """(seconds until the last answer, CPU seconds) with one thread per photo, all released together."""
    start = threading.Barrier(len(photos) + 1)
    answers: list = [None] * len(photos)

    def student(index: int) -> None:
        start.wait()
        answers[index] = answer_pixels(model, tools, [(f"student {index}", photos[index])])[0]

    threads = [threading.Thread(target=student, args=(index,)) for index in range(len(photos))]
    for thread in threads:
        thread.start()
    cpu, began = time.process_time(), time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    if any(answer is None for answer in answers):
        raise RuntimeError("A session got no answer.")
    return time.perf_counter() - began, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="transfer")
    parser.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    info = registry.get_model_info(args.model)
    model, tools = registry.load_model(info), answer_tools(info)
    print(f"model: {info.name} ({info.title}), input {info.input_size[0]}×{info.input_size[1]}; "
          f"{os.cpu_count()} cores; batcher: at most {batching.MAX_BATCH} photos, "
          f"{batching.MAX_WAIT_SECONDS * 1000:.0f} ms wait")
    shared = batching.shared_batcher(model)
    one_each = batching.PredictionBatcher(feature_extractor(model), max_batch=1)
    at_once(model, tools, working_copies(2, seed=99))  # trace and warm both paths before timing
    for students in args.students:
        timings = {"batched": [], "one run each": []}
        sizes: list[int] = []
        for repeat in range(args.repeats):
            for label, batcher in (("batched", shared), ("one run each", one_each)):  # interleaved: same load
                batching._BATCHERS[model] = batcher
                batcher.batch_sizes.clear()
                wall, cpu = at_once(model, tools, working_copies(students, seed=1000 * students + repeat))
                timings[label].append((wall, cpu))
                if label == "batched":
                    sizes += batcher.batch_sizes
        batching._BATCHERS[model] = shared
        line = [f"N={students:>2}"]
        for label, runs in timings.items():
            wall = statistics.median(run[0] for run in runs)
            cpu = statistics.median(run[1] for run in runs) / students
            line.append(f"{label}: last answer {wall:.2f} s, CPU {cpu:.3f} s/photo")
        ratio = statistics.median(r[0] for r in timings["one run each"]) / statistics.median(
            r[0] for r in timings["batched"])
        line.append(f"batches {sorted(sizes, reverse=True)[:8]}{'…' if len(sizes) > 8 else ''}")
        line.append(f"speedup {ratio:.2f}")
        print(" | ".join(line), flush=True)


if __name__ == "__main__":
    main()
