"""Train your own classes: a zip of class folders and/or one uploader per class, decoded once."""

from __future__ import annotations

import streamlit as st

from core.data.image_set import ImageSet
from core.imaging.photo import UPLOAD_TYPES
from core.training.live import photo_sets
from core.training.live.photo_sources import ClassFiles, freeze_classes, merge_classes, skipped_title
from ui.components.messages import file_problem
from ui.resources import training as training_resources
from ui.training.keys import UPLOAD_ROUND_KEY


def upload_key(name: str) -> str:
    """An uploader's key in this round of uploads: a new round gives empty uploaders."""
    # Streamlit cannot empty a file uploader from the server; a new key is a new, empty one.
    upload_round = st.session_state.get(UPLOAD_ROUND_KEY, 0)
    return name if upload_round == 0 else f"{name}_{upload_round}"


def remove_all_photos() -> None:
    st.session_state[UPLOAD_ROUND_KEY] = st.session_state.get(UPLOAD_ROUND_KEY, 0) + 1


def zip_classes() -> tuple[ClassFiles, list[str]]:
    """The classes of an uploaded zip of class folders, and the files it skipped."""
    archive = st.file_uploader("A zip of class folders (e.g. cats/…, dogs/…)", type=["zip"],
                               key=upload_key("training_zip_upload"))
    if archive is None:
        return {}, []
    try:
        # Unpacked in memory on each run (fast); only the decoded photos are cached.
        return photo_sets.read_zip_of_classes(archive.getvalue())
    except ValueError as error:
        file_problem(archive.name, str(error))
        return {}, []


def uploaded_classes() -> ClassFiles:
    """One name and one uploader per class, side by side."""
    classes: ClassFiles = {}
    class_count = st.number_input("Classes", 2, 6, 2, key="training_class_count")
    for index, column in enumerate(st.columns(int(class_count))):
        with column:
            name = st.text_input("Class name", f"class {index + 1}", key=f"training_class_name_{index}",
                                 max_chars=40).strip()
            uploads = st.file_uploader(f"Photos of {name or 'this class'}", type=UPLOAD_TYPES,
                                       accept_multiple_files=True, key=upload_key(f"training_class_upload_{index}"))
            if not uploads:
                continue
            if not name:
                st.error("Give this class a name.")
                continue
            classes.setdefault(name, []).extend((upload.name, upload.getvalue()) for upload in uploads)
    return classes


def show_skipped(problems: list[str]) -> None:
    if problems:
        with st.expander(skipped_title(problems), expanded=len(problems) <= 5, icon=":material/warning:"):
            for problem in problems:
                st.write(f"- {problem}")


def own_photos(image_size: int) -> ImageSet | None:
    """The learner's classes as arrays of ``image_size`` pixels, or None (with a hint) before any photo."""
    st.caption(f"Two or more classes, at least {photo_sets.MIN_IMAGES_PER_CLASS} photos each. Photos stay in memory "
               "and are never saved on the server.")
    from_zip, problems = zip_classes()
    st.caption("…or add each class's photos here:")
    classes = merge_classes(from_zip, uploaded_classes())
    if not classes:
        st.info("Add photos to start: a zip of class folders, or several photos per class above.")
        return None
    # All the photos are decoded in one cached call: the uploads are many, and each rerun would decode them again.
    data = training_resources.cached_class_images(freeze_classes(classes), image_size)
    show_skipped([*problems, *data.problems])
    if data.duplicates:
        st.warning(photo_sets.duplicates_sentence(data.duplicates), icon=":material/content_copy:")
    st.button("Remove all photos", icon=":material/delete_sweep:", on_click=remove_all_photos,
              key="training_remove_photos", help="Empties the zip and every class's uploader; the class names stay.")
    return data
