"""Choosing the photos to explore: the default data set, a folder on the app's computer, or an uploaded zip.

The app runs on one computer (the server: a teacher's laptop or a machine in
the school) and is used from browsers elsewhere, so every sentence says on
which computer a folder or a command is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.data.archive import open_zip_bytes
from core.data.files import default_data_dir
from core.data.listing import DatasetListing, Reader, folder_reader, folder_signature, zip_reader
from core.imaging.digest import digest
from core.server_settings import READ_FOLDERS_ENV, allowed_folder, readable_folders
from ui.resources import dataset as dataset_resources

SOURCE_DEFAULT = "The cats-and-dogs photos"
SOURCE_FOLDER = "A folder on the app's computer"
SOURCE_ZIP = "A zip from your device"

DOWNLOAD_HELP = """
**The cats-and-dogs photos are not on the app's computer yet.** You can explore your own photos right
now: zip one folder per class (for example `cats/` and `dogs/`) on your phone or computer and choose
“A zip from your device” above.

Whoever runs the app can add the cats-and-dogs photos on the computer that runs it (the server), in a
terminal there, with internet:

```bash
python -m core.data.download filtered --dest data     # Google's cats_and_dogs_filtered, about 65 MB
python -m core.data.download petimages --dest data    # Microsoft's PetImages, about 25,000 photos, 790 MB
```

and then restart the app with `CNN_CLASSROOM_DATA=data/filtered/split streamlit run app.py`
(or `data/petimages/split`).
"""

NOTHING_CHOSEN = "Upload a zip of class folders from your device to explore it."
FOLDER_NOTE = ("The app reads this folder on the computer that runs it (the server), not on the device you are "
               "browsing from. To explore photos from your phone or laptop, choose “A zip from your device”.")


@dataclass(frozen=True)
class SourceSpec:
    """What the learner chose: the default folder, a typed folder or an uploaded zip."""

    choice: str
    folder: Path | None = None  # the default or typed folder
    zip_name: str = ""
    zip_data: bytes = b""


@dataclass(frozen=True)
class DataSource:
    """A listed data set, how to read its files, and the key its caches use."""

    listing: DatasetListing
    reader: Reader
    key: tuple  # ("folder", path, signature) or ("zip", digest)

    @property
    def on_server(self) -> bool:
        """A folder on the app's computer (True), or a zip only read in memory, never saved (False)."""
        return self.key[0] == "folder"


def has_default_data() -> bool:
    return default_data_dir().is_dir()


def read_source_controls() -> SourceSpec | None:
    """The source widgets; None while nothing usable is chosen (with a message where one helps)."""
    default_folder = default_data_dir()
    # Checked on every run: a visitor may read server folders only where the server's setting lists them.
    allowed = readable_folders()
    # The zip first: most learners browse from another device than the one that runs the app.
    options = ([SOURCE_DEFAULT] if default_folder.is_dir() else []) + [SOURCE_ZIP] + \
        ([SOURCE_FOLDER] if allowed else [])
    choice = st.radio("Photos to explore", options, horizontal=True, key="dataset_source")
    if not allowed:
        st.caption(f"Reading other folders on the app's computer is switched off; whoever runs the app can allow "
                   f"some with `{READ_FOLDERS_ENV}`.")
    if choice == SOURCE_ZIP:
        upload = st.file_uploader("A zip of class folders (for example cats/… and dogs/…)", type=["zip"],
                                  key="dataset_zip")
        st.caption("The zip is sent to the app and read in memory; it is never unpacked or saved on the app's "
                   "computer.")
        if upload is None:
            return None
        return SourceSpec(choice, zip_name=upload.name, zip_data=upload.getvalue())
    if choice == SOURCE_DEFAULT:
        st.caption(f"Read from the app's computer: `{default_folder}`")
        return SourceSpec(choice, folder=default_folder)
    typed = st.text_input("Folder on the app's computer, with one subfolder per class (optionally under train/, "
                          "validation/, test/)", key="dataset_folder", placeholder=str(allowed[0]), max_chars=1000)
    st.caption(FOLDER_NOTE + " This server lets visitors read: " + ", ".join(f"`{folder}`" for folder in allowed))
    if not typed.strip():
        return None
    try:
        folder = allowed_folder(typed, allowed)
    except ValueError as error:
        st.warning(str(error))
        return None
    return SourceSpec(choice, folder=folder)


def open_source(spec: SourceSpec) -> DataSource:
    """List the chosen photos (cached); raises ValueError or OSError with a one-line message."""
    if spec.choice == SOURCE_ZIP:
        archive = open_zip_bytes(spec.zip_data)  # refuses an oversized or damaged zip in one line
        zip_digest = digest(spec.zip_data)
        listing = dataset_resources.cached_zip_listing(zip_digest, spec.zip_name, archive)
        return DataSource(listing, zip_reader(archive), ("zip", zip_digest))
    if spec.folder is None:
        raise ValueError("No folder was chosen.")
    signature = folder_signature(spec.folder)
    listing = dataset_resources.cached_folder_listing(str(spec.folder), signature)
    return DataSource(listing, folder_reader(spec.folder), ("folder", str(spec.folder), signature))


def choose_source() -> DataSource | None:
    """The source widgets and the listing they choose; None (with any message shown) when there is none."""
    try:
        spec = read_source_controls()
        return open_source(spec) if spec is not None else None
    except (ValueError, OSError) as error:  # OSError: a folder this account may not read
        st.error(str(error))
        return None
