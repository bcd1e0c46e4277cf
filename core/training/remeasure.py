"""Measure a model folder again on a test split and rewrite its metrics.

    python -m core.training.remeasure models/classic --data ../shared/data/cats_dogs

Useful when a model was trained elsewhere (a GPU box with a resized copy of
the photos, say): its ``metrics.json`` and the test figures on its card are
then measured here, on the original test photos, with the app's own loading.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from core.data.files import default_data_dir, list_labeled_files
from core.models import registry
from core.models.folder import parameter_counts
from core.training.split_measurement import measure_split


def remeasure(folder: Path, data: Path, weights: str | None = None) -> dict:
    """Evaluate ``folder``'s model on ``data/test`` and update its metrics.json and model.json."""
    folder = Path(folder)
    test_dir = Path(data) / "test"
    if not test_dir.is_dir():
        raise ValueError(f"{test_dir} does not exist: pass --data with a folder holding test/<class>/ photos.")
    info = registry.read_card(folder, weights)
    if not info.available:
        raise ValueError(f"{info.name} cannot be loaded: {info.reason}")
    files = list_labeled_files(test_dir, tuple(info.card["class_names"]))
    model = registry.load_model(info, weights)
    metrics = measure_split(model, files, info.input_size[0])
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=1))
    card = json.loads((folder / "model.json").read_text())
    card["test_accuracy"] = metrics["accuracy"]
    card.update(parameter_counts(model))  # as loaded here: a fine-tuned base's trained layers count as trainable
    card.setdefault("dataset_counts", {})["test"] = files.counts()
    card["evaluated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    (folder / "model.json").write_text(json.dumps(card, indent=1))
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.training.remeasure", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a model folder, e.g. models/classic")
    parser.add_argument("--data", type=Path, default=None, help="folder with test/<class>/ (default: the shared data)")
    parser.add_argument("--weights", default=None, help="transfer models: the MobileNet weights file")
    args = parser.parse_args(argv)
    try:
        metrics = remeasure(args.folder, args.data or default_data_dir(), args.weights)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.folder}: test accuracy {metrics['accuracy']:.4f} on {metrics['count']} photos")
    return 0


if __name__ == "__main__":
    sys.exit(main())
