"""AppTest: the "How fragile is it?" page on the demo photo and the classic model, and the lesson's link to it.

The unchanged percentage is the Classify page's own (its answer path, run here on the same photo); dragging a
slider changes the sentence and the percentage shown, and "flips" appears only where the class changed.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.imaging.demo import DEFAULT_DEMO, demo_photo_bytes
from core.imaging.photo import photo_from_bytes
from core.models import registry
from core.prediction.photo_answer import answer_pixels, answer_tools
from tests.conftest import PROJECT_ROOT, page_text
from tests.support.requirements import require
from ui.session import MODEL_KEY

PAGE = str(PROJECT_ROOT / "app_pages" / "fragility.py")
MODEL = "classic"


@pytest.fixture(scope="module")
def classify_summary() -> str:
    """What the Classify page says about the demo photo with the classic model ("The model gives it 66% cat.")."""
    info = registry.get_model_info(MODEL)
    require(info.available, f"The shipped {MODEL} model")
    photo = photo_from_bytes(DEFAULT_DEMO, demo_photo_bytes(DEFAULT_DEMO), "demo")
    return answer_pixels(registry.load_model(MODEL), answer_tools(info), [(photo.name, photo.pixels)])[0].summary


def fragility_app(section: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=240)
    app.session_state[MODEL_KEY] = MODEL
    app.session_state["fragility_section"] = section
    app.run()
    assert not app.exception, app.exception
    return app


def bold_sentences(app: AppTest) -> list[str]:
    return [item.value.strip("*") for item in app.markdown if item.value.startswith("**")]


def image_captions(app: AppTest) -> list[str]:
    return [caption for element in app.get("image") for caption in element.captions]


def answer_in(sentence: str) -> list[tuple[str, str]]:
    """The (class, percentage) pairs a sentence names: 'cat (66%)' or 'cat: 59%'."""
    return re.findall(r"(cat|dog)(?: \(|: )((?:over |under )?\d+%)", sentence)


def test_dragging_the_turn_changes_the_answer_shown(classify_summary):
    app = fragility_app("Turn")
    unchanged = re.search(r"gives it ((?:over |under )?\d+%) (cat|dog)", classify_summary).groups()
    assert classify_summary in page_text(app)  # the Classify page's answer, word for word
    assert f"Unchanged, the model gives it {unchanged[0]} {unchanged[1]}, as on the Classify page." \
        in bold_sentences(app)
    app.select_slider(key="fragility_rotation").set_value(180).run()
    assert not app.exception, app.exception
    sentence = next(text for text in bold_sentences(app) if text.startswith("Turned 180°"))
    named = answer_in(sentence)
    if "flips" in sentence:  # from the unchanged answer to another class
        assert named[0] == (unchanged[1], unchanged[0]) and named[1][0] != unchanged[1]
    else:
        assert sentence.startswith(f"Turned 180°, it still says {unchanged[1]}: ")
        assert sentence.endswith(f"against {unchanged[0]} unchanged.")
    assert "Your photo turned 180°" in image_captions(app)


def test_the_grey_square_moves_and_grows(classify_summary):
    app = fragility_app("Cover a square")
    app.selectbox(key="fragility_cover_place").set_value("top left").run()
    app.select_slider(key="fragility_cover").set_value(0.5).run()
    assert not app.exception, app.exception
    assert any(text.startswith("With a grey square 50% of the side wide") for text in bold_sentences(app))


def test_the_nudge_slider_shows_the_new_answer(classify_summary):
    app = fragility_app("Smallest nudge")
    app.select_slider(key="fragility_epsilon").set_value(0).run()
    assert "Unchanged, the model gives it" in " ".join(bold_sentences(app))
    app.select_slider(key="fragility_epsilon").set_value(2).run()
    assert not app.exception, app.exception
    sentence = next(text for text in bold_sentences(app) if text.startswith("After a nudge of ε = 2 ("))
    captions = image_captions(app)
    nudged = next(caption for caption in captions if caption.startswith("Nudged by ε = 2 levels: "))
    new = answer_in(nudged)[0]
    unchanged = answer_in(next(caption for caption in captions if caption.startswith("Unchanged: ")))[0]
    # The sentence names the nudged photo's answer, and says "flips" exactly when its class is another one.
    assert ("flips" in sentence) == (new[0] != unchanged[0])
    assert answer_in(sentence)[-1] == new
    assert any(caption.startswith("The nudge, magnified ×") for caption in captions)
    assert "smallest nudge that flips" in page_text(app) or "No nudge up to ε = 32" in page_text(app)
    app.radio(key="fragility_pushes").set_value(5).run()  # five smaller pushes: the same slider, a new answer
    assert not app.exception, app.exception
    assert any(text.startswith("After a nudge of ε = 2 (") for text in bold_sentences(app))


def test_lesson_step_9_links_to_the_fragility_page():
    require(registry.get_model_info(MODEL).available, f"The shipped {MODEL} model")
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
    app.run()
    app.query_params.update({"step": "9", "model": MODEL})
    app.switch_page("app_pages/lesson.py").run()
    assert not app.exception, app.exception
    links = [(element.proto.label, element.proto.page) for element in app.get("page_link")]
    assert any(label == "Try it: How fragile is it?" and page.endswith("fragility") for label, page in links), links
