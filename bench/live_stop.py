"""How long Stop takes to end a live training, at moments a teacher presses it, on both default presets.

    python bench/live_stop.py                 # both modes on ../shared/data/cats_dogs
    python bench/live_stop.py --mode transfer

The page's path: a :class:`core.training.live.trainer.LiveRun` in its background
thread, Stop pressed (``run.stop()``) some seconds after Start, then the
seconds until the run is done and the page can show its result. Each mode
starts on a fresh feature cache, so the transfer preset's first seconds are
MobileNet reading the photos, the stage Stop used to wait out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.data.files import default_data_dir  # noqa: E402
from core.models.features import frozen_base  # noqa: E402
from core.training.live import networks, photo_sets, trainer  # noqa: E402

PRESS_AFTER_SECONDS = (3.0, 12.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(networks.PRESETS), action="append")
    modes = parser.parse_args().mode or sorted(networks.PRESETS)
    folder = photo_sets.training_folder(default_data_dir())
    if folder is None:
        raise SystemExit("This benchmark needs the training photos of ../shared/data/cats_dogs.")
    for mode in modes:
        config = networks.PRESETS[mode]
        data = photo_sets.load_folder_sample(folder, networks.PRESET_PHOTOS[mode], config.image_size, seed=0)
        for press_after in PRESS_AFTER_SECONDS:
            base = frozen_base(config.image_size) if config.is_transfer else None  # a fresh, empty cache
            run = trainer.LiveRun(config, base=base).start(data)
            time.sleep(press_after)
            before = run.snapshot()
            pressed = time.perf_counter()
            run.stop()
            run.wait()
            print(f"{mode:8s} Stop at {press_after:4.1f} s ({before.label()[:60]}): done "
                  f"{time.perf_counter() - pressed:5.2f} s later", flush=True)


if __name__ == "__main__":
    main()
