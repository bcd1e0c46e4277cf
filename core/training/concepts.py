"""The ideas behind training, each explained once, with numbers computed rather than typed."""

from __future__ import annotations

import math

from core.arithmetic.numbers import format_number


def binary_cross_entropy(probability_of_truth: float) -> float:
    """The loss of one photo: −ln(the probability the model gave the right answer)."""
    if not 0.0 < probability_of_truth <= 1.0:
        raise ValueError(f"A probability of the right answer must be in (0, 1], got {probability_of_truth}.")
    return -math.log(probability_of_truth)


def cross_entropy_sentence(confident: float = 0.9, wrong: float = 0.1) -> str:
    """Binary cross-entropy with two worked examples (Markdown)."""
    return (
        "**Binary cross-entropy** is the loss of a two-class network: for each photo, −ln of the probability it "
        f"gave the right answer. A dog photo scored {format_number(confident)} dog costs "
        f"−ln {format_number(confident)} = {format_number(binary_cross_entropy(confident), 3)}; scored "
        f"{format_number(wrong)} dog it costs −ln {format_number(wrong)} = "
        f"{format_number(binary_cross_entropy(wrong), 3)}. Confident mistakes cost the most, and guessing 0.5 "
        f"every time costs {format_number(binary_cross_entropy(0.5), 3)}, the loss a network starts near."
    )


#: Gradient descent, backpropagation, Adam, early stopping (Markdown, one paragraph each).
CONCEPTS = (
    "**Gradient descent and backpropagation.** After each batch, backpropagation works out, for every weight, "
    "which way a small change would lower the batch's loss (the gradient), going backwards from the output "
    "through every layer with the chain rule. Each weight then takes a small step that way; the learning rate "
    "sets the step size.",
    "**Adam** is the optimizer used here (and for the shipped models): gradient descent that keeps, for every "
    "weight, a running average of its recent gradients and of their size, so weights with steady gradients move "
    "confidently and noisy ones move carefully.",
    "**Early stopping, patience and restored weights.** The validation loss is checked after every epoch. "
    "Training stops once it has gone a number of epochs in a row (the patience) without a new low, and the "
    "weights of the best epoch are put back. The validation photos never change a weight, but because they "
    "choose the epoch kept, the validation accuracy of the kept model is slightly optimistic; only the test "
    "photos, used for nothing, give a fair number.",
)
