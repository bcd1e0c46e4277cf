"""Step 10: the whole path from pixels to prediction in one list, with this photo's numbers."""

from __future__ import annotations

from core.arithmetic.numbers import format_count, format_number
from core.lesson.checkpoint import StepText, checkpoint
from core.lesson.decision import DecisionLesson
from core.lesson.first_layer import FirstLayerLesson
from core.prediction.answers import format_probability, singular


def recap_lines(first: FirstLayerLesson, chain_text: str, decision: DecisionLesson) -> tuple[str, ...]:
    """One line per idea of the lesson, each with the number this photo gave."""
    rows, cols, channels = first.pixels.shape
    worked = first.worked
    kernel_rows, kernel_cols = first.conv.kernel_size
    relu_value = first.relu.apply(worked.pre_activation)
    predicted = decision.predicted
    name = singular(decision.class_names[predicted]) if predicted < len(decision.class_names) else f"class {predicted}"
    return (
        f"**Pixels**: {rows}×{cols}×{channels} = {format_count(rows * cols * channels)} numbers.",
        (f"**Convolution**: filter {first.channel} of `{first.conv.path.split('/')[-1]}` made "
        f"{format_number(worked.pre_activation)} from one {kernel_rows}×{kernel_cols} patch."),
        f"**ReLU**: {format_number(worked.pre_activation)} → {format_number(relu_value)}.",
        f"**Layers**: {chain_text}.",
        (f"**One list, one neuron**: {format_count(decision.collapse_size)} numbers → … → z = "
        f"{format_number(decision.neuron.z)}."),
        f"**Probability**: {name} {format_probability(decision.probabilities[predicted])}.",
    )


def recap_text(first: FirstLayerLesson, decision: DecisionLesson) -> StepText:
    pre = first.worked.pre_activation
    after = first.relu.apply(pre)
    sentences = (
        ("A CNN is arithmetic: multiply, add, keep the positives, keep the largest, repeat, and squash the last "
        "number into a probability."),
        ("Nobody told it what a whisker is: training chose every weight so that the answers on the training "
        "photos came out right."),
        "It is only as good as the photos it learned from, and it always answers with one of its classes.",
    )
    question = f"In step 2 the filter wrote {format_number(pre)}. What does ReLU make of it?"
    wrong = [format_number(abs(pre)), format_number(-abs(pre)), "1", format_number(pre)]
    why = f"{first.relu.formula} with x = {format_number(pre)} is {format_number(after)}."
    return StepText(sentences, checkpoint(question, format_number(after), wrong, why, position=1))
