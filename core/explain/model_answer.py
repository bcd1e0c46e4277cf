"""What the model answered for one photo, in the words the inside page shows above its pictures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.prediction.answers import singular
from core.prediction.honest import model_gives
from core.wording.percent import probability_percent


@dataclass(frozen=True)
class ModelAnswer:
    """One photo's class probabilities, with the names the sentences use ("cat", not "cats")."""

    names: tuple[str, ...]  # one per probability, in output order
    probabilities: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.probabilities:
            raise ValueError("A model answer needs at least one probability.")
        if len(self.names) != len(self.probabilities):
            raise ValueError(f"{len(self.names)} names for {len(self.probabilities)} probabilities.")

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def headline(self) -> str:
        """'The model gives it 97% dog.': what it computed, in the Classify page's words, never "97% sure"."""
        return model_gives(self.probabilities[self.predicted], self.names[self.predicted])

    @property
    def breakdown(self) -> str:
        """'cat: 3% · dog: 97%', in the Classify page's percentages."""
        return " · ".join(f"{name}: {probability_percent(value)}"
                          for name, value in zip(self.names, self.probabilities))

    @property
    def explained_order(self) -> tuple[int, ...]:
        """Class indices to explain: the predicted class first, then the others in output order."""
        return (self.predicted, *[index for index in range(len(self.names)) if index != self.predicted])


def model_answer(class_names: Sequence[str], probabilities: Sequence[float]) -> ModelAnswer:
    """The answer with singular class names, or "class 0", "class 1"... when the names do not fit the output."""
    probabilities = tuple(float(value) for value in np.asarray(probabilities, dtype=np.float64).reshape(-1))
    if len(class_names) == len(probabilities):
        names = tuple(singular(name) for name in class_names)
    else:
        # A model whose metadata lists other classes than it has outputs still gets readable labels.
        names = tuple(f"class {index}" for index in range(len(probabilities)))
    return ModelAnswer(names, probabilities)
