"""Step 7: the model's answer and where it looked (Grad-CAM), in sentences computed from the heat map."""

from __future__ import annotations

import numpy as np

from core.explain.gradcam import GradCam
from core.lesson.checkpoint import StepText, checkpoint
from core.prediction.answers import singular
from core.prediction.honest import whole_percent
from core.prediction.photo_answer import PhotoAnswer

#: The share of all heat above which a part of the photo counts as "where it looked".
FOCUS_SHARE = 0.5


def heat_place(heatmap: np.ndarray) -> str:
    """Where the heat's centre of mass lies: 'top left', 'middle', 'bottom right', ...; 'nowhere' for an empty map."""
    total = float(heatmap.sum())
    if total <= 0:
        return "nowhere"
    rows, cols = np.indices(heatmap.shape)
    row = float((rows * heatmap).sum() / total) / max(heatmap.shape[0] - 1, 1)
    col = float((cols * heatmap).sum() / total) / max(heatmap.shape[1] - 1, 1)
    vertical = "top" if row < 1 / 3 else "bottom" if row > 2 / 3 else ""
    horizontal = "left" if col < 1 / 3 else "right" if col > 2 / 3 else ""
    return " ".join(part for part in (vertical, horizontal) if part) or "middle"


def hot_share(heatmap: np.ndarray) -> float:
    """The fraction of the photo's area that holds half of all the heat (small: a focused look)."""
    values = np.sort(heatmap.ravel())[::-1].astype(np.float64)
    total = values.sum()
    if total <= 0:
        return 0.0
    needed = int(np.searchsorted(np.cumsum(values), FOCUS_SHARE * total)) + 1
    return needed / values.size


def looked_text(cam: GradCam, answer: PhotoAnswer) -> StepText:
    """Step 7's sentences: the app's answer (the Classify page's, calibrated) and where Grad-CAM's heat sits."""
    names = [singular(name) for name in answer.class_names]
    probabilities = answer.probabilities
    predicted = answer.index
    place = heat_place(cam.heatmap)
    if cam.is_empty:
        where = (f"For this photo Grad-CAM finds no part of the `{cam.layer.split('/')[-1]}` maps that speaks for "
                 f"{names[cam.class_index]}: the heat map is empty.")
    else:
        where = (f"Grad-CAM colours the places whose maps pushed the answer towards {names[cam.class_index]}: "
                 f"the heat sits at the {place} of the photo, and half of it lies on "
                 f"{hot_share(cam.heatmap):.0%} of the area.")
    said = (f"The model gives it **{whole_percent(probabilities[predicted])} {names[predicted]}** "
            f"({' · '.join(f'{name}: {whole_percent(value)}' for name, value in zip(names, probabilities))}).")
    if answer.neither:
        said += (f" But the app answers \"{answer.answer}\": "
                 f"{answer.novelty.headline[0].lower()}{answer.novelty.headline[1:]}")
    sentences = (
        said,
        where,
        ("If the heat is on the animal, it looked at the right thing; on the background or the edge, it may be "
        "right for the wrong reason."),
    )
    question = "Which answer did the model give for this photo?"
    wrong = [name for index, name in enumerate(names) if index != predicted] + ["neither"]
    why = f"{names[predicted]} has the larger probability, {whole_percent(probabilities[predicted])}."
    return StepText(sentences, checkpoint(question, names[predicted], wrong, why, position=predicted))
