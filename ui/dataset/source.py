"""Choosing the photos to explore: the default data set, a folder on this computer, or an uploaded zip."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.data.archive import open_zip_bytes
from core.data.files import default_data_dir
from core.data.listing import DatasetListing, Reader, folder_reader, folder_signature, zip_reader
from core.imaging.digest import digest
from ui.resources import dataset as dataset_resources

SOURCE_DEFAULT = "The cats-and-dogs photos"
SOURCE_FOLDER = "A folder on this computer"
SOURCE_ZIP = "An uploaded zip"

DOWNLOAD_HELP = """
**No data set here yet.** On a computer with internet, one command downloads, checks and splits one:

```bash
python -m core.data.download filtered --dest data     # Google's cats_and_dogs_filtered, about 65 MB
python -m core.data.download petimages --dest data    # Microsoft's PetImages, about 25,000 photos, 790 MB
```

Then start the app with `CNN_CLASSROOM_DATA=data/filtered/split streamlit run app.py`
(or `data/petimages/split`). Any folder of your own with one subfolder per class works too:
choose "A folder on this computer" above, or upload a zip.
"""

NOTHING_CHOSEN = "Type the path of a folder on this computer, or upload a zip, to explore it."


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


def has_default_data() -> bool:
    return default_data_dir().is_dir()


def read_source_controls() -> SourceSpec | None:
    """The source widgets; None while nothing usable is chosen (with a message where one helps)."""
    default_folder = default_data_dir()
    options = ([SOURCE_DEFAULT] if default_folder.is_dir() else []) + [SOURCE_FOLDER, SOURCE_ZIP]
    choice = st.radio("Photos to explore", options, horizontal=True, key="dataset_source")
    if choice == SOURCE_ZIP:
        upload = st.file_uploader("A zip of class folders (for example cats/… and dogs/…)", type=["zip"],
                                  key="dataset_zip")
        st.caption("The zip is read in memory and never unpacked to disk.")
        if upload is None:
            return None
        return SourceSpec(choice, zip_name=upload.name, zip_data=upload.getvalue())
    if choice == SOURCE_DEFAULT:
        st.caption(f"Folder: `{default_folder}`")
        return SourceSpec(choice, folder=default_folder)
    typed = st.text_input("Folder with one subfolder per class (optionally under train/, validation/, test/)",
                          key="dataset_folder", placeholder="/home/me/photos/pets")
    if not typed.strip():
        return None
    folder = Path(typed.strip()).expanduser()
    if not folder.is_dir():
        st.warning(f"`{folder}` is not a folder on this computer.")
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
