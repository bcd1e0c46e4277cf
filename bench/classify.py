"""Time classifying one 12-megapixel phone photo: our path against the tutorials' path.

    python bench/classify.py [--model classic] [--repeats 20] [--grain 6]

Ours: exactly what the Classify page calls. The photo's bytes ->
``core.imaging.photo.photo_from_bytes`` (what ``ui.resources.cached_photo`` runs on an
upload: JPEG draft-mode decode at 1/2 scale, EXIF orientation, an area resize to the
1280-pixel working copy) -> ``core.prediction.photo_answer.answer_pixels`` (what
``ui.resources.classify.cached_answers`` runs: the squeeze to the model's input, one
traced run of the network for the logits and the "neither" features, the card's
temperature, the novelty score). The page's caches are left out: each timed run is
a first upload.

Naive (the classic tutorials): ``keras.utils.load_img(path, target_size=...)``
(full 12-megapixel decode, nearest-neighbour resize, EXIF ignored) ->
``img_to_array`` -> ``model.predict``.

Both run on the same model in the same process, interleaved so background load
hits them alike. The last line is ``speedup: X.XX`` (naive median / ours median).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from core.imaging.photo import photo_from_bytes  # noqa: E402
from core.models import architectures, registry  # noqa: E402
from core.models.inference import class_probabilities  # noqa: E402
from core.prediction.inputs import model_inputs  # noqa: E402
from core.prediction.photo_answer import AnswerTools, answer_pixels, answer_tools  # noqa: E402
from harness.phone_photos import ORIENTATION_CORNERS, RED, phone_photo_jpeg  # noqa: E402


def choose_model(name: str | None) -> tuple[keras.Model, tuple[int, int], str, AnswerTools]:
    """The shipped model ``name`` (default: classic) with its card's answer tools, else an untrained classic CNN."""
    wanted = name or "classic"
    infos = {info.name: info for info in registry.list_models()}
    info = infos.get(wanted)
    if info is not None and info.available:
        return (registry.load_model(info), info.input_size, f"shipped model {info.name!r} ({info.title})",
                answer_tools(info))
    if name is not None and name != "classic":
        known = ", ".join(sorted(n for n, i in infos.items() if i.available)) or "none"
        raise SystemExit(f"No available shipped model named {name!r} (available: {known}).")
    # Same layers and the same number of operations as the trained classic model,
    # so the timing holds; only the probabilities mean nothing.
    keras.utils.set_random_seed(0)
    return (architectures.classic(), (150, 150), "classic CNN built in code, UNTRAINED (no models/classic yet)",
            AnswerTools(class_names=("cats", "dogs")))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p90_ms(samples: list[float]) -> float:
    return float(np.percentile(samples, 90)) * 1000


def red_corner(pixels: np.ndarray, block: int) -> str:
    """Which corner of a model input holds the red marker (TL, TR, BL, BR)."""
    height, width = pixels.shape[:2]
    centres = {
        "TL": (block // 2, block // 2),
        "TR": (block // 2, width - 1 - block // 2),
        "BL": (height - 1 - block // 2, block // 2),
        "BR": (height - 1 - block // 2, width - 1 - block // 2),
    }
    distance = {corner: np.abs(pixels[y, x].astype(float) - RED).sum() for corner, (y, x) in centres.items()}
    return min(distance, key=distance.get)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="shipped model name (default: classic)")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of each pipeline (at least 15)")
    parser.add_argument("--grain", type=float, default=6.0,
                        help="sensor-like noise in the generated photo; 6 gives a 3 MB file like a phone's")
    arguments = parser.parse_args()
    repeats = max(15, arguments.repeats)

    model, (height, width), model_note, tools = choose_model(arguments.model)
    print(f"model: {model_note}, input {height}×{width}")
    print(f"CPU: {os.cpu_count()} cores visible, load average {os.getloadavg()[0]:.1f}; "
          "TensorFlow uses its default threads")

    with tempfile.TemporaryDirectory() as folder:
        # The naive pipeline needs a path: this file is the baseline's, not a user upload.
        path = Path(folder) / "IMG_4032.jpg"
        path.write_bytes(phone_photo_jpeg(4000, 3000, orientation=6, grain=arguments.grain))
        print(f"photo: 4000×3000 JPEG stored sideways with EXIF orientation 6, "
              f"{path.stat().st_size / 1e6:.1f} MB (a phone held upright: 3000×4000)")

        def ours() -> tuple[np.ndarray, np.ndarray, list[float]]:
            cpu_start, start = time.process_time(), time.perf_counter()
            data = path.read_bytes()  # an upload arrives as bytes; reading them keeps the race fair
            photo = photo_from_bytes(path.name, data)  # decode (draft), orient, working copy
            loaded = time.perf_counter()
            answer = answer_pixels(model, tools, [(photo.name, photo.pixels)])[0]  # the page's one model run
            done = time.perf_counter()
            cpu = time.process_time() - cpu_start
            batch = model_inputs([photo.pixels], (height, width))  # for the orientation check below (untimed)
            return batch[0], np.asarray(answer.raw_probabilities), [done - start, loaded - start, done - loaded, cpu]

        def ours_compiled() -> list[float]:
            # For information: the same path with Keras' compiled predict step
            # instead of an eager model(x) call (a possible core.models.inference change).
            start = time.perf_counter()
            batch = model_inputs([photo_from_bytes(path.name, path.read_bytes()).pixels], (height, width))
            class_probabilities(model.predict_on_batch(batch.astype("float32")))
            return [time.perf_counter() - start]

        def naive() -> tuple[np.ndarray, np.ndarray, list[float]]:
            cpu_start, start = time.process_time(), time.perf_counter()
            image = keras.utils.load_img(path, target_size=(height, width))
            array = keras.utils.img_to_array(image)
            # The tutorials divide by 255 here because their models had no
            # rescaling layer. Ours rescales itself (a Rescaling layer named
            # "rescale"), so dividing again would feed it 0..1/255 and break the
            # prediction; skipping the division keeps it the same model and
            # the same answer, and costs the naive path nothing (about 0.05 ms).
            batch = np.expand_dims(array, axis=0)
            loaded = time.perf_counter()
            output = model.predict(batch, verbose=0)
            done = time.perf_counter()
            cpu = time.process_time() - cpu_start
            return array.astype(np.uint8), class_probabilities(output)[0], [done - start, loaded - start,
                                                                             done - loaded, cpu]

        for _ in range(2):  # warm-up: traced functions, caches, the OS file cache
            ours_input, ours_output, _ = ours()
            naive_input, naive_output, _ = naive()
            ours_compiled()

        ours_times: list[list[float]] = []
        naive_times: list[list[float]] = []
        compiled_times: list[float] = []
        for _ in range(repeats):  # interleaved, so background load hits all alike
            ours_times.append(ours()[2])
            naive_times.append(naive()[2])
            compiled_times.append(ours_compiled()[0])

    ours_total, ours_load, ours_predict, ours_cpu = (list(column) for column in zip(*ours_times))
    naive_total, naive_load, naive_predict, naive_cpu = (list(column) for column in zip(*naive_times))

    print(f"\n{repeats} timed runs each after 2 warm-ups (milliseconds)")
    print(f"{'':38s}{'median':>9s}{'p90':>9s}")
    print(f"{'ours:  decode+orient+working+resize':38s}{median_ms(ours_load):9.1f}{p90_ms(ours_load):9.1f}")
    print(f"{'ours:  predict (model(x))':38s}{median_ms(ours_predict):9.1f}{p90_ms(ours_predict):9.1f}")
    print(f"{'ours:  whole path':38s}{median_ms(ours_total):9.1f}{p90_ms(ours_total):9.1f}")
    print(f"{'naive: load_img+img_to_array':38s}{median_ms(naive_load):9.1f}{p90_ms(naive_load):9.1f}")
    print(f"{'naive: model.predict':38s}{median_ms(naive_predict):9.1f}{p90_ms(naive_predict):9.1f}")
    print(f"{'naive: whole path':38s}{median_ms(naive_total):9.1f}{p90_ms(naive_total):9.1f}")
    print(f"{'ours, compiled model call (info)':38s}{median_ms(compiled_times):9.1f}{p90_ms(compiled_times):9.1f}")
    # CPU time of all this process's threads: less sensitive than wall time to
    # other programs competing for the cores.
    print(f"{'CPU time, ours':38s}{median_ms(ours_cpu):9.1f}{p90_ms(ours_cpu):9.1f}")
    print(f"{'CPU time, naive':38s}{median_ms(naive_cpu):9.1f}{p90_ms(naive_cpu):9.1f}")
    load_average = os.getloadavg()[0]
    if load_average > 0.75 * (os.cpu_count() or 1):
        print(f"note: the machine was busy (load average {load_average:.1f} on {os.cpu_count()} cores), "
              "so wall times are inflated; the CPU times and the ratio hold better")

    # Correctness: where does the top-left marker of the stored image end up?
    expected = ORIENTATION_CORNERS[6][0]  # upright, the red marker is top-right
    # The markers are 1/20 of the long side: at least 7 pixels of a 150×150 input.
    block = max(2, min(height, width) * 3 // 80)
    ours_corner = red_corner(ours_input, block)
    naive_corner = red_corner(naive_input, block)
    print(f"\nthe red marker of the upright photo belongs top-right ({expected}); "
          f"ours: {ours_corner}, naive: {naive_corner}")
    if naive_corner != expected:
        print("naive pipeline ignores EXIF orientation: the photo arrives sideways")
    if ours_corner != expected:
        print("WARNING: our pipeline did not turn the photo upright")
    print(f"probabilities: ours {np.round(ours_output, 4).tolist()}, naive {np.round(naive_output, 4).tolist()}"
          " (they differ because the naive input is sideways and nearest-neighbour sampled)")
    print(f"with a compiled model call (model.predict_on_batch) ours would take {median_ms(compiled_times):.1f} ms: "
          f"{median_ms(naive_total) / median_ms(compiled_times):.2f}x faster than naive (information only)")
    print(f"ours {median_ms(ours_total):.1f} ms vs naive {median_ms(naive_total):.1f} ms (medians)")
    print(f"speedup: {median_ms(naive_total) / median_ms(ours_total):.2f}")


if __name__ == "__main__":
    main()
