"""core/training/model_card.py: the card a run writes, from what it measured (no training here)."""

from pathlib import Path

from core.training.model_card import model_card
from core.training.settings import TrainingConfig

HISTORY = {"val_loss": [0.5, 0.3, 0.4], "val_accuracy": [0.8, 0.9, 0.85], "loss": [0.6, 0.4, 0.3]}
METRICS = {"class_names": ["cats", "dogs"], "accuracy": 0.875}
COUNTS = {"train": {"cats": 4, "dogs": 4}, "validation": {"cats": 2, "dogs": 2}}


def card_for(**overrides) -> dict:
    config = TrainingConfig(**{"arch": "tiny", "data": Path("somewhere/cats_dogs"), "out": Path("models"),
                               "name": "run", "epochs": 5, "image_size": 32, **overrides})
    return model_card(config, counts=COUNTS, history=HISTORY, metrics=METRICS,
                      parameters={"total_parameters": 10, "trainable_parameters": 10}, training_seconds=12.345,
                      tuned_layers=["conv_dw_12", "conv_pw_12", "conv_dw_13", "conv_pw_13"]
                      if overrides.get("fine_tune_blocks") else [], fine_tuned_parameters=99)


def test_the_card_keeps_the_best_epoch_and_says_the_run_stopped_early():
    card = card_for()
    assert card["best_epoch"] == 2 and card["validation_accuracy"] == 0.9 and card["epochs_run"] == 3
    assert card["stopped_early"] is True and card["stopped_by_hand"] is False
    assert card["training_seconds"] == 12.3 and card["test_accuracy"] == 0.875
    assert card["input_size"] == [32, 32] and card["class_names"] == ["cats", "dogs"] and card["kind"] == "keras"
    assert card["dataset"].startswith("10,000 cat and dog photos") and "non-commercial" in card["dataset_licence"]
    assert "base" not in card and "title" not in card


def test_a_fine_tuned_card_names_the_tuned_blocks_and_their_learning_rate():
    card = card_for(arch="transfer", fine_tune_blocks=2, learning_rate=1e-4, data=Path("my_photos"))
    assert card["kind"] == "transfer"
    assert card["title"] == "Transfer: MobileNet, top 2 blocks fine-tuned, + trained head"
    assert card["base"]["fine_tuned_blocks"] == 2 and card["base"]["fine_tuned_parameters"] == 99
    assert card["base"]["fine_tuning"] == (
        "the depthwise and pointwise convolutions of blocks 12-13 of 13 (conv_dw_12 to conv_pw_13) trained on from "
        "ImageNet's weights with Adam at 0.0001 (cosine decay); their batch norms and blocks 1-11 keep ImageNet's "
        "weights")
    assert "low-resolution" in card["augmentation"]
    assert card["dataset"] == "Photos from my_photos" and card["dataset_licence"] == "Unknown"


def test_extra_fields_are_added_to_the_card():
    assert card_for(extra={"title": "Mine"})["title"] == "Mine"
