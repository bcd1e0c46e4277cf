"""Training throughput: the project's tf.data pipeline vs the tutorials' ImageDataGenerator.

Both feed the same `classic` model (150×150) with the same augmentation
(the long tutorial's: rotation 40°, shifts 0.2, shear 0.2, zoom 0.2,
horizontal flip, fill "nearest") for the same photos, in the same run.

    pip install -r bench/requirements.txt        # tf-keras, for ImageDataGenerator
    python bench/input_pipeline.py --limit 1024 --epochs 2

Prints images per second for each epoch and, last, ``speedup: X.XX`` for the
mean training throughput over the measured epochs (the first epoch of ours
includes decoding before the in-memory cache fills). Before that it prints
the input side alone (batches produced per second with no model), which
shows how much of each epoch is the pipeline and how much is the network:
on a 2-core CPU the classic network's own forward and backward passes bound
the training speedup whatever the pipeline does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from core.augment.settings import TUTORIAL  # noqa: E402
from core.data.files import LabeledFiles, default_data_dir, list_labeled_files
from core.data.pipeline import make_dataset  # noqa: E402
from core.models import architectures  # noqa: E402
from core.training.compiling import compile_model  # noqa: E402

IMAGE_SIZE = 150
BATCH_SIZE = 32


def subset(files: LabeledFiles, limit: int, seed: int = 0) -> LabeledFiles:
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(files), size=min(limit, len(files)), replace=False))
    return LabeledFiles(tuple(files.paths[i] for i in keep), tuple(files.labels[i] for i in keep), files.class_names)


def link_subset(files: LabeledFiles, root: Path) -> Path:
    """flow_from_directory needs a folder: symlink the chosen photos into one."""
    for path, label in zip(files.paths, files.labels):
        target = root / files.class_names[label] / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(Path(path).resolve())
    return root


def fresh_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return compile_model(architectures.classic(IMAGE_SIZE), 1e-3, 2)


class Throughput(keras.callbacks.Callback):
    def __init__(self, images: int):
        super().__init__()
        self.images = images
        self.rates: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(self.images / (time.perf_counter() - self.start))


def ours(files: LabeledFiles, epochs: int) -> list[float]:
    dataset = make_dataset(files, IMAGE_SIZE, BATCH_SIZE, training=True, augmentation=TUTORIAL, seed=0)
    meter = Throughput(len(files))
    fresh_model().fit(dataset, epochs=epochs, callbacks=[meter], verbose=0)
    return meter.rates


def ours_input_only(files: LabeledFiles, epochs: int) -> list[float]:
    dataset = make_dataset(files, IMAGE_SIZE, BATCH_SIZE, training=True, augmentation=TUTORIAL, seed=0)
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        count = sum(int(pixels.shape[0]) for pixels, _ in dataset)
        rates.append(count / (time.perf_counter() - start))
    return rates


def tutorial_generator(folder: Path):
    try:
        from tf_keras.preprocessing.image import ImageDataGenerator
    except ImportError:
        sys.exit("tf-keras is missing: pip install -r bench/requirements.txt")
    return ImageDataGenerator(
        rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
        horizontal_flip=True, fill_mode="nearest",
    ).flow_from_directory(str(folder), target_size=(IMAGE_SIZE, IMAGE_SIZE), batch_size=BATCH_SIZE,
                          class_mode="binary", seed=0)


def tutorial_input_only(folder: Path, images: int, epochs: int) -> list[float]:
    generator = tutorial_generator(folder)
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        count = 0
        while count < images:
            count += len(next(generator)[0])
        rates.append(count / (time.perf_counter() - start))
    return rates


def tutorial(folder: Path, images: int, epochs: int) -> list[float]:
    generator = tutorial_generator(folder)
    # Our models rescale inside; the generator yields 0..255 floats just like our pipeline.
    steps = int(np.ceil(images / BATCH_SIZE))

    def batches():
        while True:
            x, y = next(generator)
            yield x.astype("float32"), y.astype("float32")[:, None]

    meter = Throughput(images)
    fresh_model().fit(batches(), steps_per_epoch=steps, epochs=epochs, callbacks=[meter], verbose=0)
    return meter.rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--limit", type=int, default=1024, help="training photos used (the real epoch is 8,000)")
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    files = subset(list_labeled_files(args.data / "train"), args.limit)
    print(f"{len(files)} photos, classic model at {IMAGE_SIZE}×{IMAGE_SIZE}, batch {BATCH_SIZE}, "
          f"{args.epochs} epochs each, {os.cpu_count()} CPU cores")
    temporary = Path(tempfile.mkdtemp())
    try:
        folder = link_subset(files, temporary)
        baseline_input = tutorial_input_only(folder, len(files), args.epochs)
        our_input = ours_input_only(files, args.epochs)
        baseline_rates = tutorial(folder, len(files), args.epochs)
        our_rates = ours(files, args.epochs)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    print(f"input side alone (no model), last epoch: ImageDataGenerator {baseline_input[-1]:.1f} img/s, "
          f"tf.data {our_input[-1]:.1f} img/s ({our_input[-1] / baseline_input[-1]:.2f}x)")
    for epoch, (theirs, mine) in enumerate(zip(baseline_rates, our_rates), start=1):
        print(f"epoch {epoch}: ImageDataGenerator {theirs:7.1f} img/s   tf.data {mine:7.1f} img/s")
    baseline_mean = float(np.mean(baseline_rates))
    our_mean = float(np.mean(our_rates))
    print(f"mean: ImageDataGenerator {baseline_mean:.1f} img/s ({len(files) / baseline_mean:.1f} s/epoch), "
          f"tf.data {our_mean:.1f} img/s ({len(files) / our_mean:.1f} s/epoch)")
    print(f"speedup: {our_mean / baseline_mean:.2f}")


if __name__ == "__main__":
    main()
