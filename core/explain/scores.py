"""The score an explanation explains: one number per photo for one class, taken before the sigmoid or softmax.

Every technique (Grad-CAM, saliency, occlusion, the fragility probes) asks how
something changes this score. It is the logit, not the probability: the
probability saturates near 0 and 1, where its gradient vanishes and a confident
model's map would go blank. For one sigmoid unit the score of class 1 is the
logit z and the score of class 0 is −z; for softmax it is the class's own logit.
"""

from __future__ import annotations

import numpy as np

from core.models.outputs import class_count
from core.prediction.calibration import calibrated_probabilities


def check_class(units: int, class_index: int) -> int:
    """``class_index`` as an int, or a ValueError naming how many classes there are."""
    classes = class_count(units)
    if not 0 <= int(class_index) < classes:
        raise ValueError(f"Class {class_index} does not exist; the model has {classes} classes.")
    return int(class_index)


def class_score(logits, class_index: int):
    """The score of ``class_index``, one per photo, from (N, units) logits (a tensor or an array)."""
    units = int(logits.shape[-1])
    check_class(units, class_index)
    if units == 1:
        return logits[:, 0] if class_index == 1 else -logits[:, 0]
    return logits[:, class_index]


def probabilities_from_logits(logits: np.ndarray) -> np.ndarray:
    """(N, classes) probabilities in float64 (uncalibrated: temperature 1), as the calibration computes them."""
    return calibrated_probabilities(np.asarray(logits, dtype=np.float64), 1.0)
