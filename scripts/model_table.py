"""Print the README's table of shipped models from their model.json and metrics.json.

    python scripts/model_table.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def row(folder: Path) -> str:
    card = json.loads((folder / "model.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    size = "×".join(str(value) for value in card["input_size"])
    minutes = card.get("training_seconds", 0) / 60
    validation = card.get("validation_accuracy")
    return (f"| `{card['name']}` | {size} | {card['parameters']:,} ({card['trainable_parameters']:,}) | "
            f"{metrics['accuracy']:.1%} | {'' if validation is None else f'{validation:.1%}'} | "
            f"{card.get('epochs_run')} (best {card.get('best_epoch')}) | {minutes:.0f} min, {card.get('machine')} |")


def main() -> int:
    folders = sorted(path.parent for path in (ROOT / "models").glob("*/model.json"))
    print("| Model | Input | Parameters (trainable) | Test accuracy | Validation accuracy | Epochs | Training time |")
    print("|---|---|---|---|---|---|---|")
    for folder in sorted(folders, key=lambda f: -json.loads((f / "metrics.json").read_text())["accuracy"]):
        print(row(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
