"""Train an architecture on a folder of photos and write ``models/<name>/``.

Usage (from the project root)::

    python -m core.training.train --arch classic --data ../shared/data/cats_dogs --epochs 40

The folder holds ``train/``, ``validation/`` and (for the test metrics)
``test/``, each with one subfolder per class. The result is written to a
temporary folder and renamed into place only when complete, so an interrupted
run never damages a model already there. ``--resume`` (on by default)
continues an interrupted run from its last finished epoch.

The same command runs under Keras' JAX or PyTorch backends
(``KERAS_BACKEND=jax``) on a GPU machine that has no TensorFlow; the data
then comes from :class:`core.data.MemoryBatches` and only the default
strategy is available.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import keras
import numpy as np

from core.augment.settings import PRESETS
from core.data.files import LabeledFiles, default_data_dir, split_folder
from core.data.pipeline import make_dataset
from core.models import architectures
from core.models.features import frozen_base_output
from core.models.fine_tuned import FINE_TUNED_FILE, MOBILENET_BLOCKS, apply_fine_tuned
from core.models.folder import parameter_counts, transfer_parts, write_model_folder
from core.paths import MODELS_DIR
from core.training.compiling import compile_model
from core.training.devices import STRATEGIES, make_strategy
from core.training.fine_tune import FineTuneSettings, fine_tune
from core.training.model_card import model_card
from core.training.settings import TrainingConfig, check_settings, default_settings
from core.training.split_measurement import measure_split

__all__ = ["TrainingConfig", "main", "parse_args", "train"]


class EpochTimer(keras.callbacks.Callback):
    """Adds each epoch's duration and learning rate to the logs."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start
            learning_rate = self.model.optimizer.learning_rate
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(learning_rate))


class HistoryRecorder(keras.callbacks.Callback):
    """Keeps the history across resumed runs by writing it after every epoch."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.history: dict[str, list[float]] = {}
        if path.exists():
            self.history = json.loads(path.read_text())

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            values = self.history.setdefault(key, [])
            # A resumed run repeats no epoch: cut anything past this one.
            del values[epoch:]
            values.append(float(value))
        self.path.write_text(json.dumps(self.history))


def base_features(model: keras.Model, files: LabeledFiles, image_size: int, mirrored: bool,
                  batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """The frozen base's feature maps for every photo (and, if ``mirrored``, for its mirror image too)."""
    dataset = make_dataset(files, image_size, batch_size, training=False, cache=False)
    features, targets = [], []
    for pixels, batch_targets in dataset:
        views = [pixels, keras.ops.flip(pixels, axis=2)] if mirrored else [pixels]
        for view in views:
            features.append(frozen_base_output(model, view))
            targets.append(keras.ops.convert_to_numpy(batch_targets))
    return np.concatenate(features), np.concatenate(targets)


def training_files(files: LabeledFiles, limit: int | None, seed: int) -> LabeledFiles:
    """``files``, or a seeded random ``limit`` of them (kept in their order) for a quick experiment."""
    if not limit or limit >= len(files):
        return files
    keep = np.sort(np.random.default_rng(seed).choice(len(files), size=limit, replace=False))
    return LabeledFiles(tuple(files.paths[i] for i in keep), tuple(files.labels[i] for i in keep), files.class_names)


def run_callbacks(config: TrainingConfig, recorder: HistoryRecorder) -> list[keras.callbacks.Callback]:
    """Timing, early stopping, the history and a checkpoint each epoch (a killed run resumes), then the caller's."""
    return [
        EpochTimer(),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True,
                                      verbose=1),
        recorder,
        # Saves model and optimizer state every epoch so a killed run resumes where it stopped.
        keras.callbacks.BackupAndRestore(str(config.work_dir / "backup")),
        keras.callbacks.ModelCheckpoint(str(config.work_dir / "best.weights.h5"), monitor="val_loss",
                                        save_best_only=True, save_weights_only=True),
        *config.callbacks,
    ]


def without_checkpoints(callbacks: list[keras.callbacks.Callback]) -> list[keras.callbacks.Callback]:
    """The callbacks for a run that fits a smaller model than the assembled one: its checkpoints would not fit."""
    return [callback for callback in callbacks
            if not isinstance(callback, (keras.callbacks.BackupAndRestore, keras.callbacks.ModelCheckpoint))]


def fit_whole_model(model: keras.Model, config: TrainingConfig, train_files: LabeledFiles,
                    validation_files: LabeledFiles, callbacks: list, global_batch: int) -> None:
    """The usual run: photos (augmented on the fly) through the whole model, every epoch, resumable."""
    train_data = make_dataset(train_files, config.size, global_batch, training=True,
                              augmentation=PRESETS[config.augmentation], seed=config.seed)
    validation_data = make_dataset(validation_files, config.size, global_batch, training=False)
    model.fit(train_data, validation_data=validation_data, epochs=config.epochs, callbacks=callbacks,
              verbose=config.verbose)
    # After a resume, EarlyStopping only knows the epochs of this process: the
    # checkpoint holds the best weights over the whole run.
    if (config.work_dir / "best.weights.h5").exists():
        model.load_weights(str(config.work_dir / "best.weights.h5"))


def fit_head_on_cached_features(model: keras.Model, config: TrainingConfig, train_files: LabeledFiles,
                                validation_files: LabeledFiles, callbacks: list) -> None:
    """Train a transfer model's head on features computed once (``--cache-features``).

    The base is frozen, so its output for a photo never changes: running it
    once per photo (and once per mirror image, the augmentation) instead of
    once per photo per epoch makes each epoch take seconds on a CPU, which
    pays for a larger input size. The head is the same object the full model
    uses, so the assembled model is trained when this returns.
    """
    _, head = transfer_parts(model)
    train_features, train_targets = base_features(model, train_files, config.size, mirrored=True)
    validation_features, validation_targets = base_features(model, validation_files, config.size, mirrored=False)
    steps_per_epoch = int(np.ceil(len(train_features) / config.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.epochs * steps_per_epoch)
    compile_model(head, schedule, len(train_files.class_names))
    head.fit(train_features, train_targets, batch_size=config.batch_size, epochs=config.epochs, shuffle=True,
             validation_data=(validation_features, validation_targets), callbacks=without_checkpoints(callbacks),
             verbose=config.verbose)


def fit_fine_tuned(model: keras.Model, config: TrainingConfig, train_files: LabeledFiles,
                   validation_files: LabeledFiles, callbacks: list) -> list[str]:
    """Train MobileNet's top ``--fine-tune-blocks`` blocks and the head; return the tuned layers' names.

    A head that starts untrained (no ``--start-from``) first gets the warm-up
    epochs of :class:`core.training.fine_tune.FineTuneSettings` on its own.
    """
    settings = FineTuneSettings(blocks=config.fine_tune_blocks, epochs=config.epochs, batch_size=config.batch_size,
                                learning_rate=config.learning_rate, seed=config.seed, verbose=config.verbose,
                                warmup_epochs=0 if config.start_from else FineTuneSettings.warmup_epochs)
    return fine_tune(model, settings, train_files, validation_files, config.size, without_checkpoints(callbacks))


def fine_tuned_parameter_count(base: keras.Model, layer_names: list[str]) -> int:
    """Numbers fine-tuning trained (the tuned convolutions' kernels)."""
    return int(sum(np.prod(weight.shape) for name in layer_names for weight in base.get_layer(name).weights))


def start_from_folder(model: keras.Model, folder: Path) -> None:
    """Give an assembled transfer model the trained head (and fine-tuned blocks) of a model folder."""
    head_file = folder / "head.keras"
    if not head_file.is_file():
        raise ValueError(f"--start-from needs a transfer model folder with head.keras; {folder} has none.")
    base, head = transfer_parts(model)
    trained = keras.saving.load_model(head_file, safe_mode=True, compile=False)
    if [tuple(w.shape) for w in trained.weights] != [tuple(w.shape) for w in head.weights]:
        raise ValueError(f"The head in {folder} was trained at another input size or class count than this run.")
    head.set_weights(trained.get_weights())
    if (folder / FINE_TUNED_FILE).is_file():
        apply_fine_tuned(base, folder / FINE_TUNED_FILE)


def train(config: TrainingConfig) -> Path:
    """Run one training and return the written model folder.

    The settings are checked first, so an impossible one fails before any
    photo is read. The model is written to a temporary folder and renamed
    into place only when complete.
    """
    check_settings(config)
    keras.utils.set_random_seed(config.seed)
    splits = split_folder(config.data)
    train_files = training_files(splits["train"], config.limit, config.seed)
    num_classes = len(train_files.class_names)

    strategy = make_strategy(config.strategy)
    global_batch = config.batch_size * strategy.num_replicas_in_sync
    steps_per_epoch = int(np.ceil(len(train_files) / global_batch))
    with strategy.scope():
        options = {"weights": config.weights or "auto"} if config.arch == "transfer" else {}
        model = architectures.build(config.arch, config.size, num_classes, **options)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.epochs * steps_per_epoch)
        compile_model(model, schedule, num_classes)
    if config.start_from:
        start_from_folder(model, Path(config.start_from))

    if not config.resume:
        shutil.rmtree(config.work_dir, ignore_errors=True)
    config.work_dir.mkdir(parents=True, exist_ok=True)
    recorder = HistoryRecorder(config.work_dir / "history.json")
    callbacks = run_callbacks(config, recorder)
    started = time.perf_counter()
    tuned_layers: list[str] = []
    if config.finalize:
        model.load_weights(str(config.work_dir / "best.weights.h5"))  # no training: the best epoch so far
    elif config.fine_tune_blocks:
        tuned_layers = fit_fine_tuned(model, config, train_files, splits["validation"], callbacks)
    elif config.cache_features:
        fit_head_on_cached_features(model, config, train_files, splits["validation"], callbacks)
    else:
        fit_whole_model(model, config, train_files, splits["validation"], callbacks, global_batch)
    training_seconds = time.perf_counter() - started
    history = recorder.history
    # A whole-model run's epochs add up over resumed processes; a head-only run also computed its features.
    head_only_run = config.cache_features or bool(config.fine_tune_blocks)
    if history.get("seconds") and not head_only_run:
        training_seconds = sum(history["seconds"])

    if "test" in splits:
        metrics = measure_split(model, splits["test"], config.size)
    else:
        metrics = measure_split(model, splits["validation"], config.size)
        metrics["evaluated_on"] = "validation (no test split found)"
    counts = {"train": train_files.counts(),
              **{split: files.counts() for split, files in splits.items() if split != "train"}}
    tuned_parameters = fine_tuned_parameter_count(transfer_parts(model)[0], tuned_layers) if tuned_layers else 0
    card = model_card(config, counts=counts, history=history, metrics=metrics, parameters=parameter_counts(model),
                      training_seconds=training_seconds, tuned_layers=tuned_layers,
                      fine_tuned_parameters=tuned_parameters)
    folder = write_model_folder(Path(config.out) / config.name, model, card, history, metrics,
                                head_only=config.arch == "transfer", fine_tuned_layers=tuned_layers)
    shutil.rmtree(config.work_dir, ignore_errors=True)
    return folder


def parse_args(argv: list[str] | None = None) -> TrainingConfig:
    """The command line's settings; every default is :class:`~core.training.settings.TrainingConfig`'s."""
    defaults = default_settings()
    parser = argparse.ArgumentParser(prog="python -m core.training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", required=True, choices=sorted(architectures.ARCHITECTURES))
    parser.add_argument("--data", type=Path, default=None,
                        help="folder with train/ validation/ test/ class folders (default: CNN_CLASSROOM_DATA "
                             "or ../shared/data/cats_dogs)")
    parser.add_argument("--epochs", type=int, default=defaults["epochs"])
    parser.add_argument("--batch-size", type=int, default=defaults["batch_size"])
    parser.add_argument("--image-size", type=int, default=defaults["image_size"],
                        help="square input size (default: per architecture)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder that receives <name>/")
    parser.add_argument("--name", default=None, help="model folder name (default: the architecture)")
    parser.add_argument("--seed", type=int, default=defaults["seed"])
    parser.add_argument("--learning-rate", type=float, default=defaults["learning_rate"])
    parser.add_argument("--augmentation", default=defaults["augmentation"], choices=sorted(PRESETS))
    parser.add_argument("--patience", type=int, default=defaults["patience"], help="early-stopping patience in epochs")
    parser.add_argument("--weights", default=defaults["weights"],
                        help="transfer only: MobileNet weights file, or 'imagenet' to download them")
    parser.add_argument("--strategy", default=defaults["strategy"], choices=STRATEGIES)
    parser.add_argument("--no-resume", dest="resume", action="store_false", default=defaults["resume"],
                        help="start over instead of continuing an interrupted run")
    parser.add_argument("--finalize", action="store_true", default=defaults["finalize"],
                        help="stop an interrupted run here: write the model from its best epoch so far")
    parser.add_argument("--cache-features", action="store_true", default=defaults["cache_features"],
                        help="transfer only: compute the frozen base's features once (photo and mirror image) "
                             "and train the head on them; much faster, so larger inputs become affordable")
    parser.add_argument("--fine-tune-blocks", type=int, default=defaults["fine_tune_blocks"],
                        help=f"transfer only: also train MobileNet's top N blocks (of {MOBILENET_BLOCKS}) at "
                             "--learning-rate, on the cached output of the frozen blocks below (try 4 and 1e-4)")
    parser.add_argument("--start-from", type=Path, default=defaults["start_from"],
                        help="transfer only: start from this model folder's trained head (and fine-tuned blocks)")
    parser.add_argument("--limit", type=int, default=defaults["limit"], help="use only this many training photos")
    parser.add_argument("--verbose", type=int, default=defaults["verbose"], choices=[0, 1, 2],
                        help="1: a progress bar per epoch, 2: one line per epoch (for log files)")
    options = vars(parser.parse_args(argv))
    options["data"] = options["data"] or default_data_dir()
    options["name"] = options["name"] or options["arch"]
    return TrainingConfig(**options)


def main(argv: list[str] | None = None) -> int:
    try:
        config = parse_args(argv)
        folder = train(config)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    metrics = json.loads((folder / "metrics.json").read_text())
    print(f"Wrote {folder} (test accuracy {metrics.get('accuracy', float('nan')):.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
