"""ui.components.photo_picker on its own: the photo expander other pages show, and the session's photos."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from harness.photo_files import make_photo_bytes
from ui import resources


def expander_script():
    import streamlit as st

    from ui.components.photo_picker import photo_expander

    photo = photo_expander("test")
    st.write(f"using {photo.name}")


def used(app: AppTest) -> str:
    return app.markdown[-1].value


def test_the_expander_names_the_current_photo_and_starts_from_the_demo_photo():
    app = AppTest.from_function(expander_script, default_timeout=60)
    app.run()
    assert not app.exception
    assert used(app) == "using Chelsea the cat"
    assert app.expander[0].label == "Photo: Chelsea the cat (change)"
    assert app.caption[0].value == "Now showing **Chelsea the cat** · 451×300 px"
    assert not app.radio  # no choice among the learner's photos before there are two


def test_an_upload_in_the_expander_follows_the_learner_and_joins_their_photos():
    app = AppTest.from_function(expander_script, default_timeout=60)
    app.run()
    app.file_uploader(key="test_upload").set_value(("first.png", make_photo_bytes(40, 30, fmt="PNG"),
                                                    "image/png")).run()
    assert not app.exception
    assert used(app) == "using first.png"
    assert app.expander[0].label == "Photo: first.png (change)"
    assert isinstance(app.session_state["photo"], str) and len(app.session_state["photo"]) == 10
    # A demo photo chosen here joins them too; then the learner can go back to the upload.
    app.selectbox(key="test_demo").set_value("A German shepherd dog").run()
    assert used(app) == "using A German shepherd dog"
    assert app.selectbox(key="test_demo").value == "(keep current)"
    choice = app.radio(key="test_own")
    assert choice.label == "Your photos" and list(choice.options) == ["first.png", "A German shepherd dog"]
    choice.set_value("first.png").run()
    assert not app.exception
    assert used(app) == "using first.png"
    # The upload still sitting in the uploader does not take over again on the next rerun.
    app.run()
    assert used(app) == "using first.png"
    store = resources.cached_photo_store()
    assert [store.get(photo_id).name for photo_id in app.session_state["photos"]] == ["first.png",
                                                                                      "A German shepherd dog"]


def test_a_bad_upload_in_the_expander_keeps_the_photo_and_says_why():
    app = AppTest.from_function(expander_script, default_timeout=60)
    app.run()
    app.file_uploader(key="test_upload").set_value(("broken.jpg", b"not a photo", "image/jpeg")).run()
    assert not app.exception
    assert used(app) == "using Chelsea the cat"
    assert any(element.value.startswith("**broken.jpg**: ") for element in app.error)


def released_upload_script():
    import streamlit as st
    from streamlit.proto.Common_pb2 import FileURLs
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    from harness.photo_files import make_photo_bytes
    from ui.components.photo_picker import photo_of_upload

    context = get_script_run_ctx()
    manager, session = context.uploaded_file_mgr, context.session_id
    data = make_photo_bytes(640, 480, color=(10, 200, 30))
    manager.add_file(session, UploadedFileRec(file_id="phone-1", name="IMG_0001.jpg", type="image/jpeg", data=data))
    held_before = sum(len(record.data) for record in manager.get_files(session, ["phone-1"]))

    def upload_now():
        return UploadedFile(manager.get_files(session, ["phone-1"])[0], FileURLs())

    first = photo_of_upload(upload_now())
    # The next run: the uploader still lists the file, but the server no longer holds its bytes.
    later = upload_now()
    again = photo_of_upload(later)
    st.write(f"held before {held_before} bytes, after {later.size} bytes")
    st.write(f"same photo: {first.photo_id == again.photo_id}, {again.name}, {again.pixels.shape[1]} px wide")


def test_an_uploaded_files_bytes_are_let_go_once_its_photo_is_stored_and_it_is_found_again():
    app = AppTest.from_function(released_upload_script, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    held, same = app.markdown[0].value, app.markdown[1].value
    assert held.startswith("held before ") and held.endswith("after 0 bytes")
    assert int(held.split()[2]) > 1000
    assert same == "same photo: True, IMG_0001.jpg, 640 px wide"
