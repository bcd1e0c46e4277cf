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
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from core.augment.settings import PRESETS, AugmentationSettings
from core.data.files import LabeledFiles, default_data_dir, split_folder
from core.data.pipeline import make_dataset
from core.models import architectures
from core.models.features import frozen_base_output
from core.models.fine_tuned import FINE_TUNED_FILE, MOBILENET_BLOCKS, apply_fine_tuned
from core.models.folder import (
    now_text,
    parameter_counts,
    transfer_parts,
    write_model_folder,
)
from core.models.weights import MOBILENET_WEIGHTS_FILE
from core.paths import MODELS_DIR
from core.training.compiling import compile_model
from core.training.devices import describe_machine, make_strategy
from core.training.fine_tune import AUGMENTATION_TEXT, FineTuneSettings, fine_tune
from core.training.split_measurement import measure_split

DATASET_NOTES = {
    "cats_dogs": (
        "10,000 cat and dog photos from the Kaggle Dogs vs. Cats set (Microsoft Asirra / Petfinder), "
        "cleaned and split 80/10/10",
        "Research and non-commercial use only; copyright stays with the photographers.",
    ),
}


@dataclass
class TrainingConfig:
    arch: str
    data: Path
    out: Path
    name: str
    epochs: int = 30
    batch_size: int = 32
    image_size: int | None = None
    seed: int = 1337
    learning_rate: float = 1e-3
    augmentation: str = "training"
    patience: int = 8
    weights: str | None = None
    strategy: str = "default"
    resume: bool = True
    verbose: int = 1
    limit: int | None = None  # use only this many training photos (quick experiments)
    extra: dict = field(default_factory=dict)  # more model-card fields
    callbacks: list = field(default_factory=list)  # more Keras callbacks (progress, stop buttons, tests)
    finalize: bool = False  # write the model from an interrupted run's best epoch, without training more
    cache_features: bool = False  # transfer only: run the frozen base once per photo, then train the head
    fine_tune_blocks: int = 0  # transfer only: also train MobileNet's top N blocks (see core.training.fine_tune)
    start_from: Path | None = None  # transfer only: a model folder whose head (and fine-tuned blocks) to start from

    @property
    def size(self) -> int:
        return self.image_size or architectures.DEFAULT_IMAGE_SIZE[self.arch]


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


def fit_head_on_cached_features(model: keras.Model, config: TrainingConfig, train_files: LabeledFiles,
                                validation_files: LabeledFiles, callbacks: list) -> None:
    """Train a transfer model's head on features computed once.

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
             validation_data=(validation_features, validation_targets), callbacks=callbacks, verbose=config.verbose)


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
    """Run one training and return the written model folder."""
    if config.arch not in architectures.ARCHITECTURES:
        raise ValueError(f"Unknown architecture {config.arch!r}.")
    if config.epochs < 1:
        raise ValueError("--epochs must be at least 1.")
    keras.utils.set_random_seed(config.seed)
    splits = split_folder(config.data)
    train_files = splits["train"]
    if config.limit:
        rng = np.random.default_rng(config.seed)
        keep = np.sort(rng.choice(len(train_files), size=min(config.limit, len(train_files)), replace=False))
        train_files = LabeledFiles(tuple(train_files.paths[i] for i in keep),
                                   tuple(train_files.labels[i] for i in keep), train_files.class_names)
    class_names = train_files.class_names
    num_classes = len(class_names)
    size = config.size
    if config.augmentation not in PRESETS:
        raise ValueError(f"--augmentation must be one of {', '.join(PRESETS)}.")
    if config.cache_features and config.arch != "transfer":
        raise ValueError("--cache-features only applies to --arch transfer (its base is frozen).")
    if (config.fine_tune_blocks or config.start_from) and config.arch != "transfer":
        raise ValueError("--fine-tune-blocks and --start-from only apply to --arch transfer.")
    if config.fine_tune_blocks and config.cache_features:
        raise ValueError("Choose --cache-features (head only) or --fine-tune-blocks, not both.")
    augmentation: AugmentationSettings = PRESETS[config.augmentation]

    strategy = make_strategy(config.strategy)
    global_batch = config.batch_size * strategy.num_replicas_in_sync
    train_data = make_dataset(train_files, size, global_batch, training=True, augmentation=augmentation,
                              seed=config.seed)
    validation_data = make_dataset(splits["validation"], size, global_batch, training=False)
    steps_per_epoch = int(np.ceil(len(train_files) / global_batch))

    with strategy.scope():
        options = {"weights": config.weights or "auto"} if config.arch == "transfer" else {}
        model = architectures.build(config.arch, size, num_classes, **options)
        schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.epochs * steps_per_epoch)
        compile_model(model, schedule, num_classes)
    if config.start_from:
        start_from_folder(model, Path(config.start_from))

    work_dir = Path(config.out) / f".{config.name}.run"
    work_dir.mkdir(parents=True, exist_ok=True)
    if not config.resume:
        shutil.rmtree(work_dir)
        work_dir.mkdir(parents=True)
    recorder = HistoryRecorder(work_dir / "history.json")
    callbacks = [
        EpochTimer(),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=config.patience, restore_best_weights=True,
                                      verbose=1),
        recorder,
        # Saves model and optimizer state every epoch so a killed run resumes where it stopped.
        keras.callbacks.BackupAndRestore(str(work_dir / "backup")),
        keras.callbacks.ModelCheckpoint(str(work_dir / "best.weights.h5"), monitor="val_loss",
                                        save_best_only=True, save_weights_only=True),
        *config.callbacks,
    ]
    started = time.perf_counter()
    tuned_layers: list[str] = []
    # Fine-tuning and head-only runs fit a smaller model than ``model``: their checkpoints would not fit it.
    head_callbacks = [callback for callback in callbacks
                      if not isinstance(callback, (keras.callbacks.BackupAndRestore, keras.callbacks.ModelCheckpoint))]
    if config.finalize:
        if not (work_dir / "best.weights.h5").exists():
            raise ValueError(f"--finalize needs an interrupted run in {work_dir}, and there is none.")
    elif config.fine_tune_blocks:
        settings = FineTuneSettings(blocks=config.fine_tune_blocks, epochs=config.epochs,
                                    batch_size=config.batch_size, learning_rate=config.learning_rate,
                                    seed=config.seed, warmup_epochs=0 if config.start_from else 3,
                                    verbose=config.verbose)
        tuned_layers = fine_tune(model, settings, train_files, splits["validation"], size, head_callbacks)
    elif config.cache_features:
        fit_head_on_cached_features(model, config, train_files, splits["validation"], head_callbacks)
    else:
        model.fit(train_data, validation_data=validation_data, epochs=config.epochs, callbacks=callbacks,
                  verbose=config.verbose)
    training_seconds = time.perf_counter() - started
    # After a resume, EarlyStopping only knows the epochs of this process: the
    # checkpoint holds the best weights over the whole run.
    head_only_run = config.cache_features or bool(config.fine_tune_blocks)
    if (work_dir / "best.weights.h5").exists() and not head_only_run:
        model.load_weights(str(work_dir / "best.weights.h5"))
    history = recorder.history
    previous_seconds = sum(history.get("seconds", [])) if history.get("seconds") else training_seconds
    if head_only_run:  # the epochs alone would leave out computing the features
        previous_seconds = training_seconds
    validation_losses = history.get("val_loss", [])
    best_epoch = int(np.argmin(validation_losses)) + 1 if validation_losses else None

    if "test" in splits:
        metrics = measure_split(model, splits["test"], size)
    else:
        metrics = measure_split(model, splits["validation"], size)
        metrics["evaluated_on"] = "validation (no test split found)"
    dataset_key = Path(config.data).resolve().name
    description, licence = DATASET_NOTES.get(dataset_key, (f"Photos from {config.data}", "Unknown"))
    card_extra = {
        "dataset": description,
        "dataset_licence": licence,
        "dataset_counts": {"train": train_files.counts(), "validation": splits["validation"].counts(),
                           **({"test": splits["test"].counts()} if "test" in splits else {})},
        "training_seconds": round(previous_seconds, 1),
        "epochs_run": len(validation_losses),
        "best_epoch": best_epoch,
        "stopped_early": len(validation_losses) < config.epochs,
        "stopped_by_hand": config.finalize,
        "validation_accuracy": float(history["val_accuracy"][best_epoch - 1]) if best_epoch else None,
        **config.extra,
    }
    if config.arch == "transfer":
        card_extra["base"] = {"application": "MobileNet", "alpha": architectures.MOBILENET_ALPHA,
                              "weights": "imagenet", "weights_file": MOBILENET_WEIGHTS_FILE,
                              "trainable": False}
        if config.cache_features:
            card_extra["augmentation"] = "horizontal flip (features of each photo and its mirror image, cached)"
        if tuned_layers:
            blocks = config.fine_tune_blocks
            first = MOBILENET_BLOCKS - blocks + 1
            card_extra["title"] = f"Transfer: MobileNet, top {blocks} blocks fine-tuned, + trained head"
            card_extra["augmentation"] = AUGMENTATION_TEXT
            card_extra["base"].update({
                "trainable": False,
                "fine_tuned_blocks": blocks,
                "fine_tuned_layers": tuned_layers,
                "fine_tuned_parameters": fine_tuned_parameter_count(transfer_parts(model)[0], tuned_layers),
                "fine_tuning": (f"the depthwise and pointwise convolutions of blocks {first}-{MOBILENET_BLOCKS} of "
                                f"{MOBILENET_BLOCKS} (conv_dw_{first} to conv_pw_{MOBILENET_BLOCKS}) trained on from "
                                f"ImageNet's weights with Adam at {config.learning_rate:g} (cosine decay); their "
                                f"batch norms and blocks 1-{first - 1} keep ImageNet's weights"),
                "started_from": str(config.start_from) if config.start_from else None,
            })
    card = {
        "name": config.name,
        "architecture": config.arch,
        "kind": "transfer" if config.arch == "transfer" else "keras",
        "input_size": [config.size, config.size],
        "class_names": metrics.get("class_names"),
        **parameter_counts(model),
        "trained_at": now_text(),
        "machine": describe_machine(),
        "epochs_requested": config.epochs,
        "batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "seed": config.seed,
        "augmentation": config.augmentation,
        "test_accuracy": metrics.get("accuracy"),
        **card_extra,
    }
    folder = write_model_folder(Path(config.out) / config.name, model, card, history, metrics,
                                head_only=config.arch == "transfer", fine_tuned_layers=tuned_layers)
    shutil.rmtree(work_dir, ignore_errors=True)
    return folder


def parse_args(argv: list[str] | None = None) -> TrainingConfig:
    parser = argparse.ArgumentParser(prog="python -m core.training.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", required=True, choices=sorted(architectures.ARCHITECTURES))
    parser.add_argument("--data", type=Path, default=None,
                        help="folder with train/ validation/ test/ class folders (default: CNN_CLASSROOM_DATA "
                             "or ../shared/data/cats_dogs)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--image-size", type=int, default=None, help="square input size (default: per architecture)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR, help="folder that receives <name>/")
    parser.add_argument("--name", default=None, help="model folder name (default: the architecture)")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--augmentation", default="training", choices=sorted(PRESETS))
    parser.add_argument("--patience", type=int, default=8, help="early-stopping patience in epochs")
    parser.add_argument("--weights", default=None,
                        help="transfer only: MobileNet weights file, or 'imagenet' to download them")
    parser.add_argument("--strategy", default="default", choices=["default", "mirrored", "multiworker"])
    parser.add_argument("--no-resume", dest="resume", action="store_false",
                        help="start over instead of continuing an interrupted run")
    parser.add_argument("--finalize", action="store_true",
                        help="stop an interrupted run here: write the model from its best epoch so far")
    parser.add_argument("--cache-features", action="store_true",
                        help="transfer only: compute the frozen base's features once (photo and mirror image) "
                             "and train the head on them; much faster, so larger inputs become affordable")
    parser.add_argument("--fine-tune-blocks", type=int, default=0,
                        help="transfer only: also train MobileNet's top N blocks (of 13) at --learning-rate, "
                             "on the cached output of the frozen blocks below (try 4 and 1e-4)")
    parser.add_argument("--start-from", type=Path, default=None,
                        help="transfer only: start from this model folder's trained head (and fine-tuned blocks)")
    parser.add_argument("--limit", type=int, default=None, help="use only this many training photos")
    parser.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2],
                        help="1: a progress bar per epoch, 2: one line per epoch (for log files)")
    args = parser.parse_args(argv)
    return TrainingConfig(
        arch=args.arch, data=args.data or default_data_dir(), out=args.out, name=args.name or args.arch,
        epochs=args.epochs, batch_size=args.batch_size, image_size=args.image_size, seed=args.seed,
        learning_rate=args.learning_rate, augmentation=args.augmentation, patience=args.patience,
        weights=args.weights, strategy=args.strategy, resume=args.resume, verbose=args.verbose, limit=args.limit,
        finalize=args.finalize, cache_features=args.cache_features, fine_tune_blocks=args.fine_tune_blocks,
        start_from=args.start_from,
    )


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
