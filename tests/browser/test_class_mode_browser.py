"""Class mode in Chromium: a teacher starts a class, three students join by a step's QR address, answer its
checkpoint and send their photo, and the teacher's board fills itself; students cannot act as the teacher;
two replicas share the class through the database. Screenshots go to artifacts/screenshots/class-mode/.

Every server gets its own fresh database (CNN_CLASSROOM_DATABASE_URL in its environment), never data/'s file.
"""

from __future__ import annotations

import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import pytest

from core.classroom.database import DATABASE_URL_ENV
from core.paths import SHARED_DIR
from deploy import serve
from harness.chromium import ROOM_HOST
from harness.databases import postgres_url
from harness.photo_files import make_photo_bytes
from tests.browser.conftest import PROJECT_ROOT, wait_for_app
from tests.support.databases import fresh_database
from tests.support.requirements import require

pytestmark = pytest.mark.browser

TEST_PHOTOS = SHARED_DIR / "data" / "cats_dogs" / "test"
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots" / "class-mode"  # looked at, then copied to docs/
MODEL = "classic"  # the lesson's and the students' model: small, so two cores keep up
STEP = 2  # the step the teacher shows and whose QR code the students scan
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 720}
LAPTOP = {"width": 1280, "height": 900}
UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'
SEND = "📤 Send to the class board"
LABEL_QUESTION = "Sent. What does your photo really show?"
#: Each student's photo and the label it taps. The third taps "neither" for a cat on purpose, so that the
#: board's count is not simply "all right".
PHOTOS = [("cats", "cat_04501.jpg", "cat"), ("dogs", "dog_04503.jpg", "dog"), ("cats", "cat_04508.jpg", "neither")]


@dataclass
class Student:
    page: object
    nickname: str
    answer: str  # what the student's own Classify page answered (its heading)
    label: str  # what the student tapped

    @property
    def right(self) -> bool:
        return self.answer == self.label


@dataclass
class LessonClass:
    url: str
    code: str
    teacher: object
    students: list[Student]
    errors: list[str]


def answer_from_heading(heading: str) -> str | None:
    """The answer a Classify heading says, in the words of the results table ('cat', 'not sure', 'neither')."""
    heading = " ".join(heading.split())
    if found := re.fullmatch(r"It's a (\w+)", heading):
        return found.group(1)
    if "Not sure" in heading:
        return "not sure"
    if heading.startswith("🤷 Neither"):
        return "neither"
    return None


@pytest.fixture(scope="module")
def photos():
    """(file name, JPEG bytes, label to tap) per student: real test photos where present, else generated ones."""
    if all((TEST_PHOTOS / folder / name).is_file() for folder, name, _ in PHOTOS):
        return [(f"student{index}_{name}", (TEST_PHOTOS / folder / name).read_bytes(), label)
                for index, (folder, name, label) in enumerate(PHOTOS)]
    colours = [(230, 200, 60), (40, 60, 200), (200, 40, 40)]
    return [(f"student{index}_generated.jpg", make_photo_bytes(320, 240, colour), label)
            for index, (colour, (_, _, label)) in enumerate(zip(colours, PHOTOS))]


@contextmanager
def app_server(database_url: str, log_name: str):
    """``streamlit run app.py`` on a free port with its own class database; its address under the room's name."""
    (PROJECT_ROOT / "artifacts").mkdir(exist_ok=True)
    with serve.one_process({DATABASE_URL_ENV: database_url}, PROJECT_ROOT / "artifacts" / log_name) as (port, _):
        yield f"http://{ROOM_HOST}:{port}"  # the lesson draws QR codes only for an address a phone can open


def new_page(stack: ExitStack, browser, errors: list[str], viewport=LAPTOP, phone: bool = False, cookie=None):
    """A fresh browser (its own context, so its own Streamlit session), closed with ``stack``."""
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    stack.callback(context.close)
    if cookie is not None:
        context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def open_page(page, title: str, shows: str) -> None:
    """Switch pages by the menu, in the same session (a typed address would start a new one)."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.is_visible():
        expand.click()
    page.get_by_role("link", name=title).click()
    page.get_by_text(shows).first.wait_for(timeout=120_000)
    collapse = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if page.viewport_size["width"] < 600 and collapse.count() and collapse.is_visible():
        collapse.click()  # on a phone the menu stays open over the page after the switch
    wait_for_app(page)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stMain"]').inner_text()


def start_class(teacher, url: str) -> str:
    """The teacher's "Start a class" on the Lesson page; the class's code as the lesson says it."""
    teacher.goto(f"{url}/lesson?model={MODEL}")
    wait_for_app(teacher)
    teacher.get_by_role("button", name="Start a class").click()
    line = teacher.get_by_text(re.compile(r"Class [A-Z0-9]{6} is on")).first
    line.wait_for()
    wait_for_app(teacher)
    return re.search(r"Class ([A-Z0-9]{6}) is on", line.inner_text()).group(1)


def open_board(teacher, code: str) -> None:
    """The teacher's own session goes to the board by the lesson's link, and marks the document to see reloads."""
    teacher.get_by_role("link", name="Open the class board").click()
    teacher.get_by_text(f"/board?class={code}").first.wait_for()
    teacher.get_by_role("button", name="Clear the board").wait_for()
    wait_for_app(teacher)
    teacher.evaluate("window.__sameDocument = true")  # gone if anything reloads the page


def send_photo(page, name: str, data: bytes, label: str) -> str:
    """On Classify: upload, send to the board, tap ``label``; the answer the page's heading gave."""
    page.locator(UPLOADER).first.set_input_files(files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}])
    page.get_by_text(f"{name} ·").first.wait_for(timeout=180_000)
    send = page.get_by_role("button", name=SEND)
    send.wait_for(timeout=180_000)
    wait_for_app(page)
    answers = [answer for answer in map(answer_from_heading, page.locator("h3").all_inner_texts()) if answer]
    assert len(answers) == 1, (name, page.locator("h3").all_inner_texts())  # the demo photo is gone
    send.click()
    page.get_by_role("radiogroup", name=LABEL_QUESTION).get_by_role("radio", name=label, exact=True).click()
    page.get_by_text("On the board: the model said").wait_for()
    wait_for_app(page)
    no_exception(page)
    return answers[0]


def right_sentence(students: list[Student]) -> str:
    right, labelled = sum(student.right for student in students), len(students)
    return f"The model got {right} of our {labelled} photo{'s' if labelled != 1 else ''} right."


def photo_cell(board, nickname: str):
    """The board's text under one student's photo: '**Student 1** ✅ / cat, 98% · really cat'."""
    return board.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=re.compile(rf"(^|\s){re.escape(nickname)}(\s|$)")).filter(has_text="really")


@pytest.fixture
def replicas(tmp_path):
    """Two replicas behind nginx sharing one class database: PostgreSQL where there is one, else an SQLite file.

    Stopped after its one test, so that it never shares the two cores with the lesson's server.
    """
    require(serve.nginx_binary() is not None, "nginx (Debian package nginx)")
    backend = "postgresql" if postgres_url() else "sqlite"
    with fresh_database(backend, tmp_path) as database:
        running = serve.start(2, log_dir=tmp_path, env={DATABASE_URL_ENV: database})
        try:
            yield running
        finally:
            running.stop()


def test_a_photo_sent_on_one_replica_shows_on_the_board_the_other_replica_serves(browser, replicas, photos):
    from playwright.sync_api import expect

    student_replica, teacher_replica = (f"127.0.0.1:{port}" for port in replicas.replica_ports)

    def pinned_to(replica: str) -> dict:
        # The cookie nginx would have set on the first page; a known one picks that replica from then on.
        return {"name": serve.COOKIE, "value": replica, "url": replicas.url}

    with ExitStack() as stack:
        errors: list[str] = []
        teacher = new_page(stack, browser, errors, PROJECTOR, cookie=pinned_to(teacher_replica))
        code = start_class(teacher, replicas.url)
        open_board(teacher, code)
        student = new_page(stack, browser, errors, PHONE, phone=True, cookie=pinned_to(student_replica))
        student.goto(f"{replicas.url}/board?class={code}")  # the board's join address
        student.get_by_role("button", name="Join the class").wait_for()
        expect(student.get_by_label("Class code")).to_have_value(code)  # filled in from the join address
        student.get_by_label(re.compile("^Nickname")).fill("Ana")
        student.get_by_role("button", name="Join the class").click()
        student.get_by_text(f"You are in class {code} as Ana.").wait_for()
        open_page(student, "Classify a photo", "Does this CNN see a cat or a dog?")
        name, data, label = photos[0]
        answer = send_photo(student, name, data, label)
        # The other replica's board shows it, by its own refresh, from the shared database.
        teacher.get_by_text(right_sentence([Student(student, "Ana", answer, label)])).wait_for(timeout=60_000)
        expect(photo_cell(teacher, "Ana")).to_have_count(1)
        assert f"really {label}" in photo_cell(teacher, "Ana").inner_text()
        assert teacher.evaluate("window.__sameDocument === true")
        # Each browser stayed on the replica it was given: nginx never moved it.
        for page, replica in ((student, student_replica), (teacher, teacher_replica)):
            assert {c["value"] for c in page.context.cookies() if c["name"] == serve.COOKIE} == {replica}
        no_exception(teacher)
        assert errors == []


@pytest.fixture(scope="module")
def lesson_class(browser, photos, tmp_path_factory):
    """One server, one teacher at 1280×720 on the board, three students who came by step 2's QR address."""
    with fresh_database("sqlite", tmp_path_factory.mktemp("class-db")) as database, \
            app_server(database, "class-mode-browser.log") as url, ExitStack() as stack:
        errors: list[str] = []
        teacher = new_page(stack, browser, errors, PROJECTOR)
        code = start_class(teacher, url)
        teacher.locator(".st-key-lesson_next button").click()  # the teacher shows step 2: the board charts it
        caption = teacher.get_by_text(re.compile(rf"Scan to follow: \S*step={STEP}\S*class={code}")).first
        caption.wait_for()
        qr_url = re.search(r"Scan to follow: (\S+)", caption.inner_text()).group(1)
        assert teacher.locator('.st-key-lesson_side [data-testid="stImage"] img').count() >= 1  # the QR code
        open_board(teacher, code)
        students = []
        for index, (name, data, label) in enumerate(photos):
            page = new_page(stack, browser, errors, PHONE if index == 2 else LAPTOP, phone=index == 2)
            page.goto(qr_url)  # the address the QR code holds: joins the class as "Student N"
            page.get_by_text(f"Step {STEP} of 10").first.wait_for(timeout=180_000)
            wait_for_app(page)
            assert f"class={code}" in page.url and "seat=" in page.url, page.url  # joined, seat kept in the link
            page.locator('.st-key-lesson_check [role="radiogroup"] label').nth(index).click()
            page.get_by_text(f"Your first answer went to class {code}.").wait_for()
            open_page(page, "Classify a photo", "Does this CNN see a cat or a dog?")
            answer = send_photo(page, name, data, label)
            # Students join one after another into a fresh class, so the n-th is "Student n".
            students.append(Student(page, f"Student {index + 1}", answer, label))
        yield LessonClass(url, code, teacher, students, errors)


def test_the_teachers_board_fills_itself_with_the_students_photos_labels_and_answers(lesson_class):
    from playwright.sync_api import expect

    board, students = lesson_class.teacher, lesson_class.students
    # No reload: the board's 2-second refresh brings every photo, label and answer in by itself.
    board.get_by_text(right_sentence(students)).wait_for(timeout=60_000)
    board.get_by_text(re.compile(rf"\b{len(students)} answers? to step {STEP}'s checkpoint")).first.wait_for(
        timeout=60_000)
    assert board.evaluate("window.__sameDocument === true"), "the board reloaded the page to show the class"
    assert f"/board?class={lesson_class.code}" in board.url
    expect(board.get_by_role("button", name="Show large")).to_have_count(len(students))
    for student in students:
        cell = photo_cell(board, student.nickname)
        expect(cell).to_have_count(1)
        text = cell.inner_text()
        assert f"really {student.label}" in text, (student, text)
        assert ("✅" if student.right else "❌") in text, (student, text)
    no_exception(board)
    assert lesson_class.errors == []


def test_the_next_steps_qr_code_in_a_new_tab_is_the_same_student_not_a_new_one(lesson_class):
    """A phone scanning step after step opens a new tab each time: its cookie keeps it the same student."""
    student = lesson_class.students[2]
    tab = student.page.context.new_page()
    tab.set_default_timeout(120_000)
    tab.goto(f"{lesson_class.url}/lesson?step={STEP + 1}&model={MODEL}&class={lesson_class.code}")
    tab.get_by_text(f"Step {STEP + 1} of 10").first.wait_for()
    wait_for_app(tab)
    tab.close()
    board = lesson_class.teacher
    board.wait_for_timeout(4_500)  # two of the board's refreshes
    joined = board.get_by_text(re.compile(r"\d+ of 60 students joined")).first.inner_text()
    assert joined.startswith(f"{len(lesson_class.students)} of 60 students joined"), joined


def test_screenshots_of_the_board_and_a_phone_after_sending(lesson_class):
    """For a person to look at: the projector's board with three photos, and the phone that sent one."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    board = lesson_class.teacher
    board.get_by_text(right_sentence(lesson_class.students)).wait_for(timeout=60_000)
    board.wait_for_function("() => Array.from(document.images).every(image => image.complete)")
    board.screenshot(path=str(SCREENSHOTS / "board.png"))
    phone = lesson_class.students[2].page
    assert phone.viewport_size == PHONE
    labels = phone.get_by_role("radiogroup", name=LABEL_QUESTION)
    labels.evaluate("element => element.scrollIntoView({block: 'center'})")
    phone.screenshot(path=str(SCREENSHOTS / "phone-send.png"))
    width = phone.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the phone's Classify page scrolls sideways ({width} px)"


TEACHER_ONLY = ["Clear the board", "End the class", "Yes, clear it", "Yes, end it", "Show large", "Hide this photo",
                "Your teacher address (private)"]


def a_students_view_only(page, lesson_class: LessonClass, own: Student | None) -> None:
    """No teacher control, no photo but the student's own, no nickname but theirs."""
    main = page.locator('[data-testid="stMain"]')
    for text in TEACHER_ONLY:
        assert page.get_by_text(text, exact=True).count() == 0, text
    assert main.locator('[data-testid="stImage"]').count() <= (1 if own else 0)  # no QR code, no class photos
    for other in lesson_class.students:
        if other is not own:
            assert re.search(rf"\b{other.nickname}\b", main.inner_text()) is None, other.nickname
    no_exception(page)


def test_a_student_gets_no_teacher_controls_and_sees_only_their_own_photos(browser, lesson_class):
    from playwright.sync_api import expect

    code, student = lesson_class.code, lesson_class.students[0]
    wrong_teacher_address = f"{lesson_class.url}/board?class={code}&teacher=not-the-teachers-key-0123456789"
    refusal = re.compile("teacher address|only the teacher", re.I)
    with ExitStack() as stack:
        errors: list[str] = []
        # A made-up teacher address in a browser that never joined: refused, and offered the join form.
        stranger = new_page(stack, browser, errors, PHONE, phone=True)
        stranger.goto(wrong_teacher_address)
        stranger.get_by_role("button", name="Join the class").wait_for()
        wait_for_app(stranger)
        stranger.locator('[data-testid="stAlert"]').filter(has_text=refusal).first.wait_for()
        assert "teacher=" not in stranger.url, stranger.url  # the key never stays in the address bar
        expect(stranger.get_by_label("Class code")).to_have_value(code)
        a_students_view_only(stranger, lesson_class, None)
        # The same address in a new tab of a student's browser (a new session; the browser keeps its seat).
        tab = student.page.context.new_page()
        tab.set_default_timeout(120_000)
        tab.goto(wrong_teacher_address)
        tab.get_by_role("button", name="Join the class").or_(tab.get_by_text("You are in class")).first.wait_for()
        wait_for_app(tab)
        tab.locator('[data-testid="stAlert"]').filter(has_text=refusal).first.wait_for()
        a_students_view_only(tab, lesson_class, student)
        tab.close()
        assert errors == []
    # The student's own session on the board: their line and their one photo, nobody else's.
    page = student.page
    open_page(page, "Class board", "You are in class")
    page.get_by_text("Your photos on the board").wait_for()
    main = page.locator('[data-testid="stMain"]')
    assert re.search(rf"as {student.nickname}\b", main.inner_text()), main.inner_text()
    assert main.locator('[data-testid="stImage"]').count() == 1
    assert page.get_by_text(f"really {student.label}").count() == 1
    a_students_view_only(page, lesson_class, student)
    assert lesson_class.errors == []


def test_a_mistyped_class_code_gets_a_message_not_a_traceback(browser, lesson_class):
    """A code off the projector typed wrong, into the address bar (or a cut-off QR address) or the join form."""
    problems = []
    with ExitStack() as stack:
        errors: list[str] = []
        by_address = new_page(stack, browser, errors, PHONE, phone=True)
        by_address.goto(f"{lesson_class.url}/board?class=K7")
        by_address.get_by_text("Class board").first.wait_for()
        wait_for_app(by_address)
        by_form = new_page(stack, browser, errors, PHONE, phone=True)
        by_form.goto(f"{lesson_class.url}/board")
        by_form.get_by_label("Class code").fill("K7")
        by_form.get_by_role("button", name="Join the class").click()
        by_form.get_by_text("Class board").first.wait_for()
        wait_for_app(by_form)
        for how, page in (("address", by_address), ("join form", by_form)):
            page.locator('[data-testid="stException"], [data-testid="stAlert"]').first.wait_for(timeout=30_000)
            if page.locator('[data-testid="stException"]').count():
                problems.append((how, page.locator('[data-testid="stException"]').first.inner_text()[:300]))
            elif not page.locator('[data-testid="stAlert"]').filter(has_text="class code").count():
                problems.append((how, "no message about the code"))
        assert errors == []
    # core.classroom.codes.typed_code's refusal must reach the page as a message, never as an uncaught exception.
    assert problems == [], "\n".join(f"{how}: {what}" for how, what in problems)
