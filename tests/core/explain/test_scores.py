"""core/explain/scores.py: the class score is the logit (negated for class 0 of one sigmoid unit)."""

from __future__ import annotations

import numpy as np
import pytest

from core.explain.scores import class_score, probabilities_from_logits
from core.models.outputs import class_count


def test_one_sigmoid_unit_stands_for_two_classes():
    logits = np.array([[2.0], [-1.0]])
    np.testing.assert_allclose(class_score(logits, 1), [2.0, -1.0])
    np.testing.assert_allclose(class_score(logits, 0), [-2.0, 1.0])
    np.testing.assert_allclose(probabilities_from_logits(logits)[:, 1], 1 / (1 + np.exp(-logits[:, 0])))
    assert class_count(1) == 2 and class_count(5) == 5
    with pytest.raises(ValueError, match="does not exist"):
        class_score(logits, 2)


def test_softmax_scores_are_the_class_logits():
    logits = np.array([[1.0, 3.0, 0.0]])
    np.testing.assert_allclose(class_score(logits, 2), [0.0])
    probabilities = probabilities_from_logits(logits)
    np.testing.assert_allclose(probabilities, np.exp(logits) / np.exp(logits).sum(), rtol=1e-12)
    with pytest.raises(ValueError, match="at least one output unit"):
        class_count(0)
