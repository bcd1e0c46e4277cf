"""core/models/card_tables.py: the README's model tables are exactly what the cards say."""

import json
import subprocess
import sys

from core.models import card_tables
from core.paths import PROJECT_ROOT


def _readme_tables() -> str:
    text = (PROJECT_ROOT / "README.md").read_text()
    start = text.index("| Model | Input |")
    block = text[start : text.index("\n\n", text.index('| Model | "Neither" score |'))]
    return block.strip()


def test_the_readme_shows_the_cards_numbers():
    assert _readme_tables() == card_tables.tables().strip()


def test_each_row_is_read_from_its_card(tmp_path):
    folder = tmp_path / "made_up"
    folder.mkdir()
    card = {
        "name": "made_up",
        "input_size": [32, 32],
        "parameters": 1234,
        "trainable_parameters": 1000,
        "validation_accuracy": 0.5,
        "epochs_run": 3,
        "best_epoch": 2,
        "training_seconds": 120,
        "machine": "a test",
        "calibration": {
            "ece_before": 0.0512,
            "ece_after": 0.0123,
            "real": {
                "count": 150,
                "accuracy": {"colour": 0.9467, "greyscale": 0.9},
                "ece_before": 0.08,
                "ece_after": 0.031,
            },
        },
        "novelty": {
            "layer": "final input",
            "method": "knn",
            "test_flag_rate": 0.021,
            "auroc": {"overall": 0.8766, "people": 0.5},
            "caught": {"overall": 0.345, "people": 0.1},
            "shown": False,
            "real": {"count": 150, "auroc": 0.8, "flagged": {"colour": 0.02, "greyscale": 0.0133, "rotated": 0.04}},
        },
    }
    (folder / "model.json").write_text(json.dumps(card))
    (folder / "metrics.json").write_text(json.dumps({"accuracy": 0.625}))
    text = card_tables.tables(tmp_path)
    assert (
        "| `made_up` | 32×32 | 1,234 (1,000) | 62.5% | 94.7% | 90.0% | 50.0% | 3 (best 2) | 2 min, a test | "
        "5.1 → 1.2 | 8.0 → 3.1 | 0.877 | 0.800 | 2.1% | 2.0% | 34.5% | no |"
    ) in text
    # Kinds and copies the card has no number for stay empty rather than showing a made-up 0.
    assert "| `made_up` | final input, knn |  () | 10% (0.50) |  () |  () | 1.3% | 4.0% |  |" in text


def test_the_command_prints_the_tables():
    done = subprocess.run(
        [sys.executable, "-m", "core.models.card_tables"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == card_tables.tables().strip()
