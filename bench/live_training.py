"""Live training's two default presets on cats and dogs: seconds to finish and held-out accuracy, per epoch.

    python bench/live_training.py            # both modes on ../shared/data/cats_dogs (or a generated fallback)
    python bench/live_training.py --mode transfer

Each preset is the page's default (core.training.live.networks.PRESETS and
PRESET_PHOTOS): the photos are a class-balanced sample of the training split,
20% of them held out, exactly as the Training page does it. Printed: one line
per epoch (training and held-out accuracy, seconds since the start), then the
totals, wall-clock and CPU seconds (on a machine shared with other work the
wall-clock is an upper bound; the CPU seconds say how much work it was). When
../shared/data is absent, generated two-class photos stand in, and the output
says so: their numbers say nothing about cats and dogs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.data.files import default_data_dir  # noqa: E402
from core.data.image_set import ImageSet
from core.models.features import base_weights_problem, frozen_base  # noqa: E402
from core.training.live import networks, photo_sets, trainer  # noqa: E402
from core.training.live.progress import TrainingProgress  # noqa: E402
from core.wording.percent import share_percent  # noqa: E402


def photos(mode: str, image_size: int) -> tuple[ImageSet, str]:
    count = networks.PRESET_PHOTOS[mode]
    folder = photo_sets.training_folder(default_data_dir())
    if folder is not None:
        return photo_sets.load_folder_sample(folder, count, image_size, seed=0), f"{count} photos from {folder}"
    from harness.training_images import generated_images

    data = generated_images(per_class=count // 2, size=image_size)
    return data, f"GENERATED FALLBACK ({count} synthetic photos; {default_data_dir()} not found): not cats and dogs"


def run(mode: str) -> None:
    config = networks.PRESETS[mode]
    wall, cpu = time.perf_counter(), time.process_time()
    base = None
    if config.is_transfer:
        problem = base_weights_problem()
        if problem:
            print(f"{mode}: skipped. {problem}")
            return
        base = frozen_base(config.image_size)
    data, source = photos(mode, config.image_size)
    load_seconds = time.perf_counter() - wall
    progress = TrainingProgress(config.epochs)
    result = trainer.train_live(config, data, progress=progress, base=base)
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\n{networks.MODE_LABELS[mode]}: {config.architecture}, {config.image_size} px, {config.epochs} epochs, "
          f"batch {config.batch_size}, learning rate {config.learning_rate:g}; {source}")
    print(f"  decoding photos {load_seconds:.1f} s" + (f", MobileNet features {result.feature_seconds:.1f} s"
                                                       if config.is_transfer else ""))
    print("  epoch  train acc  held-out acc  seconds")
    history = result.history
    elapsed = load_seconds + result.feature_seconds
    for epoch, (train, held) in enumerate(zip(history["accuracy"], history["val_accuracy"]), start=1):
        elapsed += history["seconds"][epoch - 1]
        print(f"  {epoch:5d}  {train:9.1%}  {held:12.1%}  {elapsed:7.1f}")
    print(f"  kept epoch {result.kept_epoch}; held-out accuracy {share_percent(result.evaluation.accuracy, 1)} on "
          f"{len(result.holdout)} photos; {seconds:.1f} s wall-clock, {cpu_seconds:.1f} CPU s in all")


def own_classes(seeds: int = 3) -> None:
    """'Train your own classes' as a teacher would: 20 + 20 photos of two clearly different things, uploaded."""
    folder = default_data_dir().parent / "not_cats_dogs"
    first, second = folder / "people", folder / "objects_scenes"
    problem = base_weights_problem()
    if problem or not first.is_dir() or not second.is_dir():
        print(f"\nown classes: skipped ({problem or f'{first} or {second} not found'})")
        return
    config = networks.PRESETS["transfer"]
    base = frozen_base(config.image_size)
    print("\nOwn classes (transfer preset): 20 photos of people + 20 of objects and scenes, as uploads")
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        classes = {path.name: [(file.name, file.read_bytes()) for file in
                               rng.choice(sorted(path.glob("*.jpg")), size=20, replace=False)]
                   for path in (first, second)}
        data = photo_sets.decode_class_images(classes, config.image_size)
        wall = time.perf_counter()
        result = trainer.train_live(config, data, base=base)
        print(f"  sample {seed + 1}: held-out accuracy {share_percent(result.evaluation.accuracy, 1)} on "
              f"{len(result.holdout)} photos (best validation accuracy "
              f"{share_percent(max(result.history['val_accuracy']), 1)}), {time.perf_counter() - wall:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=networks.MODES, action="append",
                        help="one mode (repeat for both; default both)")
    args = parser.parse_args(argv)
    for mode in args.mode or networks.MODES:
        run(mode)
    if not args.mode or "transfer" in args.mode:
        own_classes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
