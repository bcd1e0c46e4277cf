"""Plain-language readings of training curves: is it still learning, is it memorising?"""

from __future__ import annotations

from dataclasses import dataclass

from core.training.history import TrainingHistory, best_epoch


@dataclass(frozen=True)
class Reading:
    """A verdict about one chart and the sentence that explains it.

    verdict (loss chart): "memorising", "levelled_off", "still_learning";
    (accuracy chart): "overfitting", "close", "validation_higher", "underfitting";
    either: "no_validation", "too_short".
    """

    verdict: str
    sentence: str
    best_epoch: int | None = None
    epochs_since_best: int = 0
    gap: float | None = None  # training minus validation accuracy at the last epoch

    @property
    def is_warning(self) -> bool:
        return self.verdict in ("memorising", "overfitting", "underfitting")


#: Validation loss must rise by this fraction above its best to count as rising.
RISE_FRACTION = 0.05

#: Epochs of rising validation loss before the reading calls it memorising.
RISING_EPOCHS = 2

#: Training minus validation accuracy above which the accuracy reading warns.
GAP_WARNING = 0.08


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def loss_reading(history: TrainingHistory) -> Reading:
    """What the loss curves say: still learning, levelled off, or memorising."""
    if history.epochs < 2:
        return Reading("too_short", "One epoch is too few to see a trend: train for a few more.")
    if not history.has_validation:
        return Reading("no_validation", "There is no validation loss, so overfitting cannot be seen here.")
    best = best_epoch(history)
    if best is None:
        return Reading("no_validation", "The validation loss is not a number (the training diverged).")
    since = history.epochs - best
    lowest = history.val_loss[best - 1]
    last = history.val_loss[-1]
    rise = last - lowest
    training_fell = history.loss[-1] < history.loss[best - 1]
    if since == 0:
        return Reading(
            "still_learning",
            f"Validation loss is still falling at epoch {history.epochs} (its lowest so far, {lowest:.3g}): "
            "the model is still learning, so more epochs could help.",
            best, 0,
        )
    if since >= RISING_EPOCHS and rise > RISE_FRACTION * max(abs(lowest), 1e-3) and training_fell:
        return Reading(
            "memorising",
            f"Validation loss has risen for {_plural(since, 'epoch')} since epoch {best} "
            f"({lowest:.3g} → {last:.3g}) while training loss kept falling: "
            "the model is memorising the training photos.",
            best, since,
        )
    return Reading(
        "levelled_off",
        f"Validation loss was lowest at epoch {best} ({lowest:.3g}) and has not improved for "
        f"{_plural(since, 'epoch')} since: the model has stopped getting better on new photos.",
        best, since,
    )


def accuracy_reading(history: TrainingHistory, num_classes: int = 2) -> Reading:
    """What the accuracy curves say: how far training pulls ahead of validation."""
    if history.epochs < 1 or not history.accuracy:
        return Reading("too_short", "No accuracy was recorded for this training.")
    if len(history.val_accuracy) != history.epochs:
        return Reading("no_validation", "There is no validation accuracy, so overfitting cannot be seen here.")
    training = history.accuracy[-1]
    validation = history.val_accuracy[-1]
    gap = training - validation
    chance = 1.0 / max(num_classes, 2)
    best = best_epoch(history)
    if training < chance + 0.15 and validation < chance + 0.15:
        return Reading(
            "underfitting",
            f"Training accuracy is only {training:.0%} (guessing gives {chance:.0%}): the model has not "
            "learned the task yet; train longer, raise the learning rate or use a bigger model.",
            best, gap=gap,
        )
    if gap > GAP_WARNING:
        return Reading(
            "overfitting",
            f"Training accuracy ends {gap * 100:.0f} percentage points above validation accuracy "
            f"({training:.0%} vs {validation:.0%}): the model does better on photos it has already seen, "
            "a sign of overfitting.",
            best, gap=gap,
        )
    if gap < -0.02:
        return Reading(
            "validation_higher",
            f"Validation accuracy ({validation:.0%}) ends above training accuracy ({training:.0%}). That is no "
            "problem: training accuracy is averaged over an epoch in which the network was still improving "
            "(validation is measured at its end), and augmentation or dropout make training photos harder.",
            best, gap=gap,
        )
    distance = (f"level ({validation:.0%})" if abs(gap) < 0.005 else
                f"within {abs(gap) * 100:.0f} percentage points of each other ({training:.0%} vs {validation:.0%})")
    return Reading(
        "close",
        f"Training and validation accuracy end {distance}: the model does about as well on new photos as on "
        "the ones it trained on.",
        best, gap=gap,
    )
