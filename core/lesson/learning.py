"""Step 8: how the model learned: its training curves and its first filter before and after training."""

from __future__ import annotations

from dataclasses import dataclass

import keras

from core.arithmetic.numbers import count_text, format_number
from core.explain.filters import LayerFilters, get_filters, untrained_filters
from core.explain.numbering import shown_number
from core.lesson.checkpoint import StepText, checkpoint
from core.lesson.first_layer import TrainedLayers, first_conv_path, trained_layers
from core.models.layers import find_layer, trained_layer_names
from core.training.history import TrainingHistory, best_epoch
from core.wording.percent import share_percent


@dataclass(frozen=True, eq=False)
class LearningLesson:
    model_name: str
    history: TrainingHistory
    trained: LayerFilters  # the first convolution's filters now
    untrained: LayerFilters  # the same layer freshly initialised, as training started
    channel: int  # the filter steps 2 to 4 followed
    frozen_base: bool  # the first layer was not trained here (MobileNet's ImageNet filters)
    training: TrainedLayers  # which layers with weights training changed here, and which stayed frozen
    fine_tuned_layers: int = 0  # layers of the pretrained base that training on cats and dogs did change


#: How many layer names a sentence lists for each nested model before "…".
LISTED_NAMES = 2


def trained_layers_text(training: TrainedLayers) -> str:
    """'8 layers of mobilenet and 2 layers of head (head_conv, output)'."""
    if not training.trained:
        raise ValueError("Training changed no layer of this model, so there is nothing to say it trained.")
    groups: dict[str, list[str]] = {}
    for path in training.trained:
        container, _, name = path.rpartition("/")
        groups.setdefault(container, []).append(name)
    parts = []
    for container, names in groups.items():
        where = f" of {container}" if container else ""
        # A long list would not fit the projector: name the layers only when there are few.
        listed = f" ({', '.join(names)})" if len(names) <= LISTED_NAMES else ""
        parts.append(f"{count_text(len(names), 'layer')}{where}{listed}")
    return " and ".join(parts)


def weights_moved_sentence(training: TrainedLayers) -> str:
    """What training moved: every weight, or (a frozen base) only the layers trained here."""
    loss = "a little in the direction that made the loss (the size of the mistakes) smaller"
    if training.everything:
        return (f"Nobody wrote these filters: training started from random weights and, after each batch of photos, "
                f"moved every weight {loss}.")
    if not training.trained:
        return (f"Nobody wrote these filters, and training here moved none of its weights: all "
                f"{count_text(len(training.frozen), 'layer')} with weights are frozen.")
    # Short: on a projector this sentence shares one 1280×720 screen with the curves and the filters.
    return (f"Training here did not move every weight: after each batch it moved only the weights of "
            f"{trained_layers_text(training)} a little, towards a smaller loss; the other "
            f"{count_text(len(training.frozen), 'layer')} with weights stayed frozen.")


def learning_text(lesson: LearningLesson) -> StepText:
    history = lesson.history
    best = best_epoch(history)
    kernel_now = lesson.trained.kernel[..., lesson.channel]
    kernel_then = lesson.untrained.kernel[..., lesson.channel]
    if history.has_validation and best is not None:
        accuracy = (f" and {share_percent(history.val_accuracy[best - 1], 1)} of the validation photos right"
                    if len(history.val_accuracy) == history.epochs else "")
        curves = (f"Training ran {history.epochs} epochs (passes over the training photos); the validation loss, "
                  f"measured on photos it never learned from, was lowest at epoch {best}{accuracy}.")
    else:
        curves = f"Training ran {history.epochs} epochs; this model's history has no validation numbers."
    if lesson.frozen_base:
        trained_here = ("only the head on top trained on cats and dogs" if not lesson.fine_tuned_layers else
                        f"only the head on top and {count_text(lesson.fine_tuned_layers, 'layer')} near the top of "
                        "the base (fine-tuned) trained on cats and dogs")
        filters = (f"The `{lesson.model_name}` model's first filters were learned by MobileNet on ImageNet's "
                   f"photos (over a million) and kept frozen here; {trained_here}. "
                   "Before that training they were random numbers, like the \"before training\" grid.")
    else:
        filters = (f"Filter {shown_number(lesson.channel)} started as random numbers between "
                   f"{format_number(kernel_then.min())} and "
                   f"{format_number(kernel_then.max())}; training nudged them, photo after photo, to between "
                   f"{format_number(kernel_now.min())} and {format_number(kernel_now.max())}.")
    sentences = (
        weights_moved_sentence(lesson.training),
        curves,
        filters,
    )
    if best is None:
        question = "How many epochs did training run?"
        right, wrong = str(history.epochs), [str(history.epochs + 1), "1", str(max(history.epochs // 2, 2))]
        why = f"The curves have {history.epochs} points, one per epoch."
    else:
        question = "At which epoch was the validation loss lowest?"
        right = str(best)
        wrong = [str(history.epochs), "1", str(max(1, (best + history.epochs) // 2)), str(max(1, best // 2))]
        why = f"The validation loss curve has its lowest point at epoch {best}."
    return StepText(sentences, checkpoint(question, right, wrong, why, position=best or 1))


def learning_lesson(model: keras.Model, model_name: str, history: TrainingHistory, channel: int) -> LearningLesson:
    """The first convolution's filters now and freshly initialised, with the model's training history."""
    path = first_conv_path(model)
    return LearningLesson(model_name=model_name, history=history, trained=get_filters(model, path),
                          untrained=untrained_filters(model, path), channel=channel,
                          frozen_base=not find_layer(model, path).trainable, training=trained_layers(model),
                          fine_tuned_layers=_fine_tuned_layer_count(model))


def _fine_tuned_layer_count(model: keras.Model) -> int:
    """Trained layers inside a nested (pretrained) base: fine-tuned ones; 0 for a model without a base."""
    bases = [layer for layer in model.layers if isinstance(layer, keras.Model) and layer.name != "head"]
    return sum(len(trained_layer_names(base)) for base in bases)
