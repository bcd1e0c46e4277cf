"""What each shipped model measured: accuracy, calibration and the "neither" flag, as the README's tables.

    python -m core.models.card_tables                 # every model in models/ (or CNN_CLASSROOM_MODELS)

It reads the cards (``model.json`` and ``metrics.json``); the numbers on them
are measured by ``python -m core.training.train`` (accuracy) and
``python -m core.trust.fit`` (calibration, the "neither" flag), and a
test checks that the README shows exactly these tables.

Each number measured on the test split (photos shrunk to 256 px, from the
training photos' source) stands beside the same number measured on the
reporting half of ``cats_dogs_photos`` ("real": sharp photos from other
sources, never fitted on; :mod:`core.data.real_photos`).

The first table: size, accuracy, the expected calibration error before and
after temperature scaling, and the "neither" flag's AUROC, its false flags and
the other photos it caught, and whether the app shows its verdict. The second:
how much of each kind of other photo the flag caught, and how many real cats
and dogs it wrongly flags in greyscale, turned sideways and as a 12 MP upload.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from core.models.registry import models_root
from core.wording.percent import percentage_points, share_percent

#: The kinds of other photo, in the order the second table lists them (big cats are kept out of "overall").
KINDS = (("objects_scenes", "objects, scenes"), ("people", "people"), ("animals", "other animals"),
         ("bigcats", "big cats (apart)"))


def percent(value: float | None, decimals: int = 1) -> str:
    """A measured share in a table cell (:func:`core.wording.percent.share_percent`); empty where none was measured."""
    return "" if value is None else share_percent(value, decimals)


def points(value: float | None) -> str:
    """An ECE in percentage points in a table cell (:func:`core.wording.percent.percentage_points`); empty if none."""
    return "" if value is None else percentage_points(value)


def _ece(entry: dict) -> str:
    if entry.get("ece_before") is None:
        return ""
    return f"{points(entry['ece_before'])} → {points(entry.get('ece_after'))}"


def trust_cells(card: dict) -> str:
    calibration = card.get("calibration") or {}
    novelty = card.get("novelty") or {}
    real_calibration, real_novelty = calibration.get("real") or {}, novelty.get("real") or {}
    auroc = (novelty.get("auroc") or {}).get("overall")
    real_auroc = real_novelty.get("auroc")
    caught = (novelty.get("caught") or {}).get("overall")
    shown = "" if not novelty else ("yes" if novelty.get("shown", True) else "no")
    return (f"{_ece(calibration)} | {_ece(real_calibration)} | {'' if auroc is None else f'{auroc:.3f}'} | "
            f"{'' if real_auroc is None else f'{real_auroc:.3f}'} | {percent(novelty.get('test_flag_rate'))} | "
            f"{percent((real_novelty.get('flagged') or {}).get('colour'))} | {percent(caught)} | {shown} |")


def row(folder: Path) -> str:
    card = json.loads((folder / "model.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    size = "×".join(str(value) for value in card["input_size"])
    minutes = card.get("training_seconds", 0) / 60
    validation = card.get("validation_accuracy")
    real = ((card.get("calibration") or {}).get("real") or {}).get("accuracy") or {}
    return (f"| `{card['name']}` | {size} | {card['parameters']:,} ({card['trainable_parameters']:,}) | "
            f"{percent(metrics['accuracy'])} | {percent(real.get('colour'))} | {percent(real.get('greyscale'))} | "
            f"{percent(validation)} | "
            f"{card.get('epochs_run')} (best {card.get('best_epoch')}) | {minutes:.0f} min, {card.get('machine')} | "
            f"{trust_cells(card)}")


#: The copies of the real photos whose false flags the second table lists.
COPIES = (("greyscale", "greyscale"), ("rotated", "sideways"), ("phone upload", "12 MP upload"))


def kind_row(folder: Path) -> str | None:
    novelty = json.loads((folder / "model.json").read_text()).get("novelty")
    if not novelty:
        return None
    caught, auroc = novelty.get("caught") or {}, novelty.get("auroc") or {}
    cells = [f"{percent(caught.get(kind), 0)} ({'' if auroc.get(kind) is None else f'{auroc[kind]:.2f}'})"
             for kind, _ in KINDS]
    flagged = (novelty.get("real") or {}).get("flagged") or {}
    cells += [percent(flagged.get(copy)) for copy, _ in COPIES]
    return f"| `{folder.name}` | {novelty['layer']}, {novelty['method']} | " + " | ".join(cells) + " |"


def tables(models_dir: Path | None = None) -> str:
    """Both tables, in markdown, most accurate model first."""
    folders = sorted(path.parent for path in models_root(models_dir).glob("*/model.json"))
    folders = sorted(folders, key=lambda f: -json.loads((f / "metrics.json").read_text())["accuracy"])
    lines = []
    lines.append("| Model | Input | Parameters (trainable) | Test accuracy | Real: accuracy | Real: greyscale accuracy "
                 "| Validation accuracy | Epochs | Training time | ECE before → after, test (points) "
                 "| ECE before → after, real | \"Neither\" AUROC, test | AUROC, real | Wrongly flagged, test "
                 "| Wrongly flagged, real | Other photos caught | \"Neither\" shown |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for folder in folders:
        lines.append(row(folder))
    kinds = [line for line in (kind_row(folder) for folder in folders) if line]
    if kinds:
        lines.append("")
        lines.append("| Model | \"Neither\" score | " + " | ".join(f"{name}: caught (AUROC)" for _, name in KINDS)
                     + " | " + " | ".join(f"Real, {name}: wrongly flagged" for _, name in COPIES) + " |")
        lines.append("|---|---|" + "---|" * (len(KINDS) + len(COPIES)))
        for line in kinds:
            lines.append(line)
    return "\n".join(lines)


def main() -> int:
    sys.stdout.write(tables() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
