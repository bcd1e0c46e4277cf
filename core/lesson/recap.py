"""Step 10: the whole path from pixels to prediction in one list, with this photo's numbers."""

from __future__ import annotations

from core.arithmetic.numbers import count_text, format_count, format_number
from core.explain.numbering import shown_number
from core.lesson.checkpoint import StepText, checkpoint
from core.lesson.decision import DecisionLesson
from core.lesson.first_layer import FirstLayerLesson
from core.lesson.first_steps import relu_name
from core.lesson.learning import trained_layers_text
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from core.wording.percent import probability_percent


def _relu_line(first: FirstLayerLesson) -> str:
    """Step 2's number through the model's own chain: batch normalisation when it has one, then its ReLU."""
    name = relu_name(first.relu)
    pre = format_number(first.worked.pre_activation)
    after = format_number(first.activated)
    if first.normalised is None:
        return f"**{name}**: {pre} → {after}."
    layer = first.normalised.layer.split("/")[-1]
    return (f"**Batch normalisation, then {name}**: `{layer}` turns {pre} into "
            f"{format_number(first.activation_input)}, and {name} makes that {after}.")


def recap_lines(first: FirstLayerLesson, chain_text: str, decision: DecisionLesson,
                answer: PhotoAnswer) -> tuple[str, ...]:
    """One line per idea of the lesson, each with the number this photo gave."""
    rows, cols, channels = first.pixels.shape
    worked = first.worked
    kernel_rows, kernel_cols = first.conv.kernel_size
    return (
        f"**Pixels**: {rows}×{cols}×{channels} = {format_count(rows * cols * channels)} numbers.",
        (f"**Convolution**: filter {shown_number(first.channel)} of `{first.conv.path.split('/')[-1]}` made "
        f"{format_number(worked.pre_activation)} from one {kernel_rows}×{kernel_cols} patch."),
        _relu_line(first),
        f"**Layers**: {chain_text}.",
        (f"**One list, one neuron**: {format_count(decision.collapse_size)} numbers → … → z = "
        f"{format_number(decision.neuron.z)}."),
        f"**Probability**: {answer_words(answer)}.",
    )


def answer_words(answer: PhotoAnswer) -> str:
    """'dog 97%' (the percentage every page shows), with the app's verdict when it is not that class."""
    words = f"{singular(answer.label)} {probability_percent(answer.confidence)}"
    if answer.neither:
        return f"{words}, but the app answers \"neither\""
    if answer.unsure:
        return f"{words}, so the app says \"not sure\""
    return words


def arithmetic_sentence(first: FirstLayerLesson, decision: DecisionLesson) -> str:
    """'A CNN is arithmetic: multiply, add, …', with only the operations this model really uses."""
    shrinking = []
    for kind in first.shrinkers:  # "keep the largest" only for a model that max-pools
        if kind == "max pooling":
            shrinking.append("keep the largest")
        elif kind == "average pooling":
            shrinking.append("average each window")
        elif kind.startswith("stride "):
            shrinking.append(f"move {kind.removeprefix('stride ')} pixels at a time to shrink the maps")
        else:
            raise ValueError(f"The recap cannot say how {kind!r} makes the maps smaller.")
    steps = ["multiply", "add", "keep the positives", *([" or ".join(shrinking)] if shrinking else []), "repeat"]
    if decision.collapse_kind == "global average pooling":
        steps.append("average each last map into one number")
    squash = ("squash the last number into a probability" if decision.is_sigmoid
              else "turn the last numbers into probabilities")
    return f"A CNN is arithmetic: {', '.join(steps)}, and {squash}."


def training_sentence(first: FirstLayerLesson) -> str:
    """Who chose the weights: training chose every one, or (a frozen base) only those of the layers trained here."""
    training = first.training
    if training.everything:
        return ("Nobody told it what a whisker is: training chose every weight so that the answers on the training "
                "photos came out right.")
    if not training.trained:
        return ("Nobody told it what a whisker is, and training here changed none of its weights: all of them are "
                "frozen, as they came.")
    return (f"Nobody told it what a whisker is: training here chose the weights of {trained_layers_text(training)} "
            f"so that the answers on the training photos came out right; its other "
            f"{count_text(len(training.frozen), 'layer')} with weights kept the ones they already had (frozen).")


def recap_text(first: FirstLayerLesson, decision: DecisionLesson) -> StepText:
    pre = first.worked.pre_activation
    received = first.activation_input  # what the ReLU really receives: batch-normalised when the model does that
    after = first.activated
    name = relu_name(first.relu)
    sentences = (
        arithmetic_sentence(first, decision),
        training_sentence(first),
        "It is only as good as the photos it learned from, and it always answers with one of its classes.",
    )
    if first.normalised is None:
        question = f"In step 2 the filter wrote {format_number(pre)}. What does {name} make of it?"
    else:
        question = (f"In step 2 the filter wrote {format_number(pre)}; batch normalisation "
                    f"(`{first.normalised.layer.split('/')[-1]}`) made it {format_number(received)}. "
                    f"What does {name} make of that?")
    wrong = [format_number(abs(received)), format_number(-abs(received)), "1", format_number(received),
             format_number(pre)]
    why = f"{first.relu.formula} with x = {format_number(received)} is {format_number(after)}."
    return StepText(sentences, checkpoint(question, format_number(after), wrong, why, position=1))
