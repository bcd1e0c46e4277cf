"""Plain-language readings of training curves: is it still learning, is it memorising?

Both readings of a run (the loss chart's and the accuracy chart's) come from
the same numbers and agree with each other: the accuracy reading consults the
loss reading, so "does about as well on new photos" never stands beside "the
model is memorising". When the weights kept are an earlier epoch's (early
stopping restores the lowest validation loss), the readings describe that
epoch, since it is the model that was kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.arithmetic.numbers import count_text
from core.training.history import EarlyStop, TrainingHistory, best_epoch
from core.wording.percent import share_percent


@dataclass(frozen=True)
class Reading:
    """A verdict about one chart and the sentence that explains it.

    verdict (loss chart): "memorising", "levelled_off", "still_learning", "recent_best";
    (accuracy chart): "overfitting", "close", "validation_higher", "underfitting";
    either: "no_validation", "too_short".
    """

    verdict: str
    sentence: str
    best_epoch: int | None = None
    epochs_since_best: int = 0
    gap: float | None = None  # training minus validation accuracy at the epoch described

    @property
    def is_warning(self) -> bool:
        return self.verdict in ("memorising", "overfitting", "underfitting")


#: Validation loss must rise by this fraction above its best to count as rising.
RISE_FRACTION = 0.05

#: Epochs in a row without a new lowest validation loss before a reading says it has stopped improving:
#: one or two are ordinary ups and downs (early stopping uses the same idea, called patience).
PATIENCE = 3

#: Training minus validation accuracy above which the accuracy reading warns.
GAP_WARNING = 0.08


def _points(gap: float) -> str:
    points = abs(gap) * 100
    return f"{points:.0f}" if points >= 0.95 else f"{points:.1f}"


def _kept(history: TrainingHistory, kept_epoch: int | None) -> int:
    """The epoch whose weights are kept (the last one unless told otherwise)."""
    if kept_epoch is None:
        return history.epochs
    if not 1 <= kept_epoch <= history.epochs:
        raise ValueError(f"The kept epoch must be between 1 and {history.epochs}, got {kept_epoch}.")
    return kept_epoch


def loss_reading(history: TrainingHistory, kept_epoch: int | None = None, patience: int = PATIENCE) -> Reading:
    """What the loss curves say: still learning, levelled off, or memorising.

    "Stopped getting better" needs ``patience`` epochs in a row without a new
    lowest validation loss. With ``kept_epoch`` earlier than the last, the
    epochs after it are described as what made early stopping keep it.
    """
    if patience < 1:
        raise ValueError(f"The patience must be at least one epoch, got {patience}.")
    if history.epochs < 2:
        return Reading("too_short", "One epoch is too few to see a trend: train for a few more.")
    if not history.has_validation:
        return Reading("no_validation", "There is no validation loss, so overfitting cannot be seen here.")
    best = best_epoch(history)
    if best is None:
        return Reading("no_validation", "The validation loss is not a number (the training diverged).")
    kept = _kept(history, kept_epoch)
    since = history.epochs - best
    lowest = history.val_loss[best - 1]
    last = history.val_loss[-1]
    rise = last - lowest
    training_fell = history.loss[-1] < history.loss[best - 1]
    restored = kept == best and kept < history.epochs
    if since == 0:
        return Reading(
            "still_learning",
            f"Validation loss is still falling at epoch {history.epochs} (its lowest so far, {lowest:.3g}): "
            "the model is still learning, so more epochs could help.",
            best, 0,
        )
    if since < patience:
        return Reading(
            "recent_best",
            f"Validation loss was lowest at epoch {best} ({lowest:.3g}), {count_text(since, 'epoch')} before the "
            f"end. A few epochs without a new low are ordinary ups and downs: only after {patience} in a row "
            "(early stopping calls this its patience) does it count as having stopped getting better.",
            best, since,
        )
    kept_note = (f" That is why the weights of epoch {best} were kept, not the last epoch's." if restored else "")
    if rise > RISE_FRACTION * max(abs(lowest), 1e-3) and training_fell:
        tense = "rose" if restored else "has risen"
        verb = "was starting to memorise" if restored else "is memorising"
        return Reading(
            "memorising",
            f"Validation loss {tense} for {count_text(since, 'epoch')} since epoch {best}, its lowest "
            f"({lowest:.3g} → {last:.3g}), while training loss kept falling: the model {verb} the training "
            f"photos.{kept_note}",
            best, since,
        )
    return Reading(
        "levelled_off",
        f"Validation loss was lowest at epoch {best} ({lowest:.3g}) and then went {count_text(since, 'epoch')} "
        f"without a new low (more than the patience of {patience}): the model had stopped getting better on new "
        f"photos.{kept_note}",
        best, since,
    )


def accuracy_reading(history: TrainingHistory, num_classes: int = 2, kept_epoch: int | None = None) -> Reading:
    """What the accuracy curves say at the kept epoch, in agreement with :func:`loss_reading`."""
    if history.epochs < 1 or not history.accuracy:
        return Reading("too_short", "No accuracy was recorded for this training.")
    if len(history.val_accuracy) != history.epochs:
        return Reading("no_validation", "There is no validation accuracy, so overfitting cannot be seen here.")
    kept = _kept(history, kept_epoch)
    training = history.accuracy[kept - 1]
    validation = history.val_accuracy[kept - 1]
    gap = training - validation
    chance = 1.0 / max(num_classes, 2)
    best = best_epoch(history)
    where = (f"At epoch {kept}, whose weights were kept, training and validation accuracy were"
             if kept < history.epochs else "Training and validation accuracy end")
    # Whole percentages, with a decimal where a whole one would read 0% or 100%.
    training_text, validation_text = share_percent(training, decimals=None), share_percent(validation, decimals=None)
    pair = f"{training_text} vs {validation_text}"
    if training < chance + 0.15 and validation < chance + 0.15:
        return Reading(
            "underfitting",
            f"Training accuracy is only {training_text} (guessing gives {share_percent(chance, decimals=None)}): the "
            "model has not learned the task yet; train longer, raise the learning rate or use a bigger model.",
            best, gap=gap,
        )
    if gap > GAP_WARNING:
        return Reading(
            "overfitting",
            f"{where} {_points(gap)} percentage points apart ({pair}): the model does better on photos it has "
            "already seen, a sign of overfitting.",
            best, gap=gap,
        )
    loss = loss_reading(history, kept_epoch)
    # Loss rising now, with these very weights: accuracy lags behind, so it must not be called fine.
    if loss.verdict == "memorising" and kept == history.epochs:
        return Reading(
            "overfitting",
            f"{where} {_points(gap)} percentage points apart ({pair}), but validation loss has been rising since "
            f"epoch {loss.best_epoch} (see the loss chart): the model is growing over-confident on photos it has "
            "not seen, the first sign of memorising. Accuracy usually follows later.",
            best, gap=gap,
        )
    if gap < -0.02:
        higher = (f"At epoch {kept}, whose weights were kept, validation accuracy was" if kept < history.epochs
                  else "Validation accuracy ends")
        return Reading(
            "validation_higher",
            f"{higher} above training accuracy ({validation_text} vs {training_text}). "
            "That is no problem: training "
            "accuracy is averaged over an epoch in which the network was still improving (validation is measured "
            "at its end), and augmentation or dropout make training photos harder.",
            best, gap=gap,
        )
    distance = (f"level ({validation_text})" if abs(gap) < 0.005 else
                f"within {_points(gap)} percentage points of each other ({pair})")
    return Reading(
        "close",
        f"{where} {distance}: the model does about as well on new photos as on the ones it trained on.",
        best, gap=gap,
    )


def kept_epoch_sentence(history: TrainingHistory, stop: EarlyStop | None, test_accuracy: float | None = None) -> str:
    """Which epoch's weights a model kept, and why its validation accuracy is slightly optimistic."""
    if stop is None or stop.restored_epoch is None or not history.val_accuracy:
        return ""
    kept = stop.restored_epoch
    validation = history.val_accuracy[kept - 1]
    # One decimal, as the model cards and the README give them.
    if kept < stop.last_epoch:
        extra = stop.last_epoch - kept
        how = (f"Training ran {count_text(extra, 'more epoch')} after epoch {kept} without a lower validation loss, "
               f"then the weights of epoch {kept} were restored: they are the ones this model uses.")
    else:
        how = f"The weights of epoch {kept}, the last and the lowest validation loss, are the ones this model uses."
    fair = (f" The test photos, used for nothing during training, give the fair number: "
            f"{share_percent(test_accuracy, 1)}." if test_accuracy is not None and math.isfinite(test_accuracy) else "")
    return (f"{how} The validation photos never changed a weight, but they did choose which epoch was kept, so its "
            f"validation accuracy ({share_percent(validation, 1)}) is slightly optimistic.{fair}")
