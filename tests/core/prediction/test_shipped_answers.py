"""End to end on the shipped models: their cards carry calibration and a "neither" score, and the shared answer
function reproduces the numbers the fitting command measured."""


import numpy as np
import pytest

from core.imaging.demo import DOG_DEMO, demo_photo_bytes
from core.imaging.photo import photo_from_bytes
from core.models import registry
from core.prediction.photo_answer import answer_bytes, answer_pixels, answer_tools
from tests.support.requirements import require

SHIPPED = ("transfer", "compact", "classic")


def loaded(name: str):
    info = registry.get_model_info(name)
    require(info.available, f"The {name} model's files ({info.reason})")
    return info, registry.load_model(info)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_card_carries_its_temperature_rule_and_score(name):
    info = registry.get_model_info(name)
    # T is fitted on the 1,000 validation photos and the 150 real photos of the fitting half.
    assert info.calibration.fitted and info.calibration.fitted_on == 1000 + info.calibration.fitted_on_real == 1150
    # It makes the percentages more honest where a class's photos are: on the real reporting half.
    real = info.calibration.real
    assert real["count"] == 150 and real["ece_after"] < real["ece_before"]
    assert 0.5 <= info.calibration.unsure_rule["threshold"] < 1.0
    assert info.novelty is not None and info.novelty.validation_flag_rate <= 0.03
    statistics = info.folder / info.novelty.file
    assert statistics.is_file() and statistics.stat().st_size < 5_000_000


@pytest.mark.parametrize("name", ("compact", "transfer"))
def test_the_shared_answer_reproduces_the_measured_false_flags(shared_data_dir, name):
    # The test photos: no fit ever sees them (the regressions also learn from the other photos, so their
    # catch rates on those are cross-validated and no single shipped scorer reproduces them).
    info, model = loaded(name)
    tools = answer_tools(info)
    paths = sorted((shared_data_dir / "test").glob("*/*.jpg"))
    assert len(paths) == 1000
    answers = []
    for start in range(0, len(paths), 32):
        answers += answer_pixels(model, tools, [(p.name, photo_from_bytes(p.name, p.read_bytes()).pixels)
                                                for p in paths[start:start + 32]])
    flagged = np.mean([answer.neither for answer in answers])
    # Same decode and features as the fitting command; one photo of slack for float rounding at the line.
    assert abs(flagged - info.novelty.test_flag_rate) <= 1.5 / len(paths)


def test_the_demo_dog_is_a_dog_and_not_neither(shared_data_dir):
    info, model = loaded("transfer")
    answer = answer_bytes(model, answer_tools(info), "dog.jpg", demo_photo_bytes(DOG_DEMO))
    assert answer.answer == "dog" and not answer.neither
    assert answer.explanation.startswith("The model gives it")
    assert answer.probabilities != answer.raw_probabilities  # calibrated: T is not 1


def test_the_note_quotes_the_measured_rates():
    info = registry.get_model_info("transfer")
    tools = answer_tools(info)
    require(tools.scorer is not None, "The transfer model's novelty.npz")
    note = tools.note
    assert f"caught {info.novelty.caught['overall']:.1%} of other photos" in note and "bigcats" not in note
    assert f"flagged {info.novelty.test_flag_rate:.1%} of the test cats and dogs" in note
    assert f"less than {info.calibration.unsure_rule['threshold']:.0%}" in note
