"""Step 7: the model's answer and where it looked (Grad-CAM), in sentences computed from the heat map."""

from __future__ import annotations

from core.explain.heat_map import HeatMap, heat_place, hot_share
from core.lesson.checkpoint import StepText, checkpoint
from core.prediction.answers import singular
from core.prediction.photo_answer import PhotoAnswer
from core.wording.percent import probability_percent, share_percent


def looked_text(cam: HeatMap, answer: PhotoAnswer) -> StepText:
    """Step 7's sentences: the app's answer (the Classify page's, calibrated) and where Grad-CAM's heat sits."""
    names = [singular(name) for name in answer.class_names]
    probabilities = answer.probabilities
    predicted = answer.index
    place = heat_place(cam.values)
    if cam.is_empty:
        layer = cam.details["layer"].split("/")[-1]
        where = (f"For this photo Grad-CAM finds no part of the `{layer}` maps that speaks for "
                 f"{names[cam.class_index]}: the heat map is empty.")
    else:
        where = (f"Grad-CAM colours the places whose maps pushed the answer towards {names[cam.class_index]}: "
                 f"the heat sits at the {place} of the photo, and half of it lies on "
                 f"{share_percent(hot_share(cam.values))} of the area.")
    said = (f"The model gives it **{probability_percent(probabilities[predicted])} {names[predicted]}** "
            f"({' · '.join(f'{name}: {probability_percent(value)}' for name, value in zip(names, probabilities))}).")
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
    why = f"{names[predicted]} has the larger probability, {probability_percent(probabilities[predicted])}."
    return StepText(sentences, checkpoint(question, names[predicted], wrong, why, position=predicted))
