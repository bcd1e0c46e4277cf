"""Dataset & augmentation: what the network learns from, and how training varies it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import streamlit as st

from core.augment.settings import FILL_MODES, TRAINING, TUTORIAL, AugmentationSettings
from core.augment.steps import augmentation_samples, augmentation_steps, contrast_range
from core.data import check
from core.data.archive import open_zip_bytes
from core.data.files import default_data_dir
from core.data.listing import (
    DatasetListing,
    folder_reader,
    folder_signature,
    list_folder,
    list_zip,
    zip_reader,
)
from core.data.split import plan_split
from core.figures import dataset
from core.imaging.decode import ImageLoadError, decode_image
from core.imaging.resize import resize_for_model
from ui.components.photo_picker import photo_expander as photo_source

DEFAULT_SAMPLE = 300
THUMBNAILS_PER_CLASS = 6
MAX_ZIP_FILES = 20_000
MAX_ZIP_BYTES = 500_000_000
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

SOURCE_DEFAULT = "The cats-and-dogs photos"
SOURCE_FOLDER = "A folder on this computer"
SOURCE_ZIP = "An uploaded zip"


# ----------------------------------------------------------------------------
# Cached work (keyed on the folder and its modification times, or the zip's digest)
# ----------------------------------------------------------------------------


@st.cache_data(show_spinner="Counting the photos…", max_entries=8)
def folder_listing(folder: str, signature: tuple) -> DatasetListing:
    return list_folder(folder)


@st.cache_data(show_spinner="Reading the zip…", max_entries=4)
def zip_listing(digest: str, name: str, _data: bytes) -> DatasetListing:
    archive = open_zip_bytes(_data)
    return list_zip(archive, name, max_files=MAX_ZIP_FILES)


@st.cache_data(show_spinner="Decoding the photos to check them…", max_entries=8)
def check_report(source_key: tuple, sample_per_class: int | None, _listing, _reader) -> check.CheckReport:
    return check.check_dataset(_listing, _reader, sample_per_class=sample_per_class, seed=0)


@st.cache_data(show_spinner=False, max_entries=32)
def thumbnails(source_key: tuple, paths: tuple[str, ...], _reader) -> list[np.ndarray | None]:
    pictures: list[np.ndarray | None] = []
    for path in paths:
        try:
            decoded = decode_image(_reader(path), draft_size=(160, 160))
        except (ImageLoadError, OSError):
            pictures.append(None)
            continue
        height, width = decoded.pixels.shape[:2]
        scale = 160 / max(height, width)
        pictures.append(resize_for_model(decoded.pixels, (max(1, round(height * scale)), max(1, round(width * scale)))))
    return pictures


@st.cache_data(show_spinner="Augmenting…", max_entries=32)
def augmented(photo_key: str, _pixels: np.ndarray, settings_items: tuple, count: int, seed: int) -> np.ndarray:
    settings = AugmentationSettings(**dict(settings_items))
    return augmentation_samples(_pixels, settings, count=count, seed=seed)


# ----------------------------------------------------------------------------
# Choosing the data
# ----------------------------------------------------------------------------


def choose_source():
    """Returns (listing, reader, source_key) or (None, None, None) when there is nothing to show."""
    default_folder = default_data_dir()
    has_default = default_folder.is_dir()
    options = ([SOURCE_DEFAULT] if has_default else []) + [SOURCE_FOLDER, SOURCE_ZIP]
    choice = st.radio("Photos to explore", options, horizontal=True, key="dataset_source")
    try:
        if choice == SOURCE_ZIP:
            upload = st.file_uploader("A zip of class folders (for example cats/… and dogs/…)", type=["zip"],
                                      key="dataset_zip")
            st.caption("The zip is read in memory and never unpacked to disk.")
            if upload is None:
                return None, None, None
            data = upload.getvalue()
            if len(data) > MAX_ZIP_BYTES:
                st.error(f"The zip is {len(data) / 1e6:.0f} MB; the limit is {MAX_ZIP_BYTES / 1e6:.0f} MB.")
                return None, None, None
            digest = hashlib.sha1(data).hexdigest()
            listing = zip_listing(digest, upload.name, data)
            reader = zip_reader(zipfile.ZipFile(io.BytesIO(data)))
            return listing, reader, ("zip", digest)
        if choice == SOURCE_DEFAULT:
            folder = default_folder
            st.caption(f"Folder: `{folder}`")
        else:
            typed = st.text_input("Folder with one subfolder per class (optionally under train/, validation/, test/)",
                                  key="dataset_folder", placeholder="/home/me/photos/pets")
            if not typed.strip():
                return None, None, None
            folder = Path(typed.strip()).expanduser()
            if not folder.is_dir():
                st.warning(f"`{folder}` is not a folder on this computer.")
                return None, None, None
        signature = folder_signature(folder)
        listing = folder_listing(str(folder), signature)
        return listing, folder_reader(folder), ("folder", str(folder), signature)
    except (ValueError, OSError) as error:  # OSError: a folder this account may not read
        st.error(str(error))
        return None, None, None


# ----------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------


def show_counts(listing: DatasetListing) -> None:
    st.header("What is in it")
    counts = listing.counts()
    totals = listing.class_totals()
    columns = st.columns(2 + len(totals))
    columns[0].metric("Photos", f"{len(listing):,}")
    columns[1].metric("Classes", len(listing.class_names))
    for column, (name, total) in zip(columns[2:], totals.items()):
        column.metric(name, f"{total:,}")
    where = f" (found under `{listing.root}/`)" if listing.root else ""
    st.caption(f"Counted from file names only, without opening the photos{where}.")
    if len(listing.class_names) < 2:
        st.warning("Training needs at least two classes (two subfolders with photos).")
    st.plotly_chart(dataset.class_balance_figure(counts), key="balance_chart")
    largest, smallest = max(totals.values(), default=0), min(totals.values(), default=0)
    if smallest and largest / smallest > 1.5:
        st.warning(f"The classes are unbalanced ({largest:,} vs {smallest:,}): a model can score well by "
                   "mostly guessing the larger class. Look at per-class results, not only accuracy.")
    elif smallest:
        st.caption("The classes are about the same size, so accuracy is a fair summary of how good a model is.")
    if listing.other_files:
        st.caption(f"{len(listing.other_files):,} files in the class folders are not images by their name "
                   "(see the cleaning report).")
    if listing.stray_files:
        st.caption(f"{len(listing.stray_files):,} files outside the class folders are ignored.")


def show_split(listing: DatasetListing) -> None:
    st.header("Why split, why shuffle")
    if listing.layout == "split":
        counts = listing.counts()
        st.plotly_chart(dataset.split_share_figure(counts), key="split_chart")
    else:
        planned = plan_split(
            {name: [item.path for item in listing.files_of(name)] for name in listing.class_names})
        counts = {split: {name: len(paths) for name, paths in classes.items()} for split, classes in planned.items()}
        st.info("This folder is not split yet. The seeded 80/10/10 split would give the numbers below; write it with "
                f"`python -m core.data split \"{listing.source}\" DEST` (broken files and duplicates are "
                "left out first, so the final numbers can be a little smaller).")
        st.plotly_chart(dataset.split_share_figure(counts), key="split_chart")
    totals = {split: sum(classes.values()) for split, classes in counts.items()}
    lines = {
        "train": "the photos the network learns its weights from.",
        "validation": "photos it never learns from, checked after every epoch to choose when to stop and which "
                      "settings work; without them you cannot see overfitting.",
        "test": "photos kept aside until the very end for one honest score; using them earlier to make choices "
                "would make that score too optimistic.",
    }
    for split, text in lines.items():
        if split in totals:
            st.markdown(f"- **{split}** ({totals[split]:,} photos): {text}")
    st.markdown(
        "- **Shuffle**: the files arrive sorted (all cats, then all dogs). Training on them in that order would "
        "teach the network “everything is a cat” for a while, then “everything is a dog”. Shuffling mixes "
        "the classes in every batch, and a new order each epoch keeps it from learning the order.\n"
        "- **No photo in two splits**: a photo seen in training and again in the test would be recognised, "
        "not classified, and the test score would flatter the model. Exact and near-exact duplicates are "
        "therefore kept once."
    )


def show_samples(listing: DatasetListing, reader, source_key: tuple) -> None:
    st.header("Random samples")
    if st.button("Shuffle", icon=":material/shuffle:", key="dataset_shuffle"):
        st.session_state["dataset_shuffle_seed"] = st.session_state.get("dataset_shuffle_seed", 0) + 1
    seed = st.session_state.get("dataset_shuffle_seed", 0)
    rng = np.random.default_rng(seed)
    for class_name in listing.class_names:
        files = listing.files_of(class_name)
        if not files:
            continue
        picks = rng.choice(len(files), size=min(THUMBNAILS_PER_CLASS, len(files)), replace=False)
        chosen = tuple(files[int(index)].path for index in picks)
        pictures = thumbnails(source_key, chosen, reader)
        st.markdown(f"**{class_name}**")
        columns = st.columns(THUMBNAILS_PER_CLASS)
        for column, path, picture in zip(columns, chosen, pictures):
            name = Path(path).name
            if picture is None:
                column.caption(f"{name} cannot be decoded")
            else:
                column.image(picture, caption=name)


def show_check(listing: DatasetListing, reader, source_key: tuple) -> None:
    st.header("Sizes, colours and a cleaning report")
    left, right = st.columns([2, 1])
    check_all = right.checkbox("Check every photo (slow on a big folder)", key="dataset_check_all")
    per_class = left.slider("Photos decoded per class", 20, 2000, DEFAULT_SAMPLE, step=20, key="dataset_sample",
                            disabled=check_all)
    report = check_report(source_key, None if check_all else per_class, listing, reader)
    if report.sampled:
        st.caption(f"Checked a random sample of {len(report.checked):,} of the {len(listing):,} photos "
                   f"(up to {per_class} per class, always the same sample): the sizes, statistics and problems "
                   "below describe this sample. The command `python -m core.data check FOLDER` "
                   "checks every file.")
    else:
        st.caption(f"Checked all {len(report.checked):,} photos.")
    if report.widths.size:
        st.plotly_chart(dataset.image_size_figure(report.widths, report.heights, report.class_indices,
                                                       listing.class_names), key="size_chart")
        st.caption(f"Widths {report.widths.min()}–{report.widths.max()} px, heights "
                   f"{report.heights.min()}–{report.heights.max()} px. Training squeezes every photo to one "
                   "square size (150×150 for the classic model), so very long or very small photos get distorted "
                   "or blurry.")
    if report.pixel_count:
        chart, table = st.columns([3, 2])
        chart.plotly_chart(dataset.channel_stats_figure(report.channel_mean, report.channel_std),
                           key="channel_chart")
        table.dataframe(
            {
                "channel": ["red", "green", "blue"],
                "mean (0-255)": [round(value, 1) for value in report.channel_mean],
                "std (0-255)": [round(value, 1) for value in report.channel_std],
                "mean (0-1)": [round(value / 255, 3) for value in report.channel_mean],
                "std (0-1)": [round(value / 255, 3) for value in report.channel_std],
            },
            hide_index=True,
        )
        table.caption("The average brightness of each colour and how much it varies. The models divide pixels "
                      "by 255 (or map them to −1…1) so the numbers the network sees are small; some pipelines "
                      "also subtract these means and divide by these deviations.")
    show_cleaning(report)


def show_cleaning(report: check.CheckReport) -> None:
    st.subheader("Cleaning report")
    counts = report.counts_by_kind()
    labels = {"non_image": "Not images", "truncated": "Truncated", "unreadable": "Unreadable",
              "duplicate": "Duplicates"}
    columns = st.columns(len(counts) + 1)
    columns[0].metric("Usable", f"{report.good_count:,}")
    for column, (kind, count) in zip(columns[1:], counts.items()):
        column.metric(labels[kind], count)
    if not report.issues:
        st.success("No broken, non-image or duplicate files found.")
        return
    st.dataframe(
        {
            "file": [issue.path for issue in report.issues],
            "class": [issue.class_name for issue in report.issues],
            "split": [issue.split for issue in report.issues],
            "problem": [labels[issue.kind] for issue in report.issues],
            "details": [issue.reason for issue in report.issues],
        },
        hide_index=True,
        key="issues_table",
    )
    st.markdown("**What happens to them**")
    for kind, count in counts.items():
        if count:
            st.markdown(f"- **{labels[kind]}** ({count}): {check.ISSUE_ACTIONS[kind]}")


# ----------------------------------------------------------------------------
# Augmentation preview
# ----------------------------------------------------------------------------

SLIDERS = {
    # key: (label, minimum, maximum, step, settings field, meaning)
    "aug_rotation": ("Rotation range (degrees)", 0.0, 180.0, 5.0, "rotation_degrees",
                     "Turns the photo by a random angle up to this many degrees, left or right."),
    "aug_shift": ("Width/height shift", 0.0, 0.5, 0.05, "shift_fraction",
                  "Moves the photo sideways and up or down by up to this share of its size."),
    "aug_shear": ("Shear", 0.0, 0.5, 0.05, "shear_fraction",
                  "Slants the photo by up to this share of its size. (The old ImageDataGenerator read "
                  "shear_range=0.2 as 0.2 degrees, almost nothing; this layer's 0.2 is a visible slant.)"),
    "aug_zoom": ("Zoom", 0.0, 0.5, 0.05, "zoom_fraction",
                 "Zooms in or out by up to this share (0.2: between 80% and 120%)."),
    "aug_brightness": ("Brightness", 0.0, 0.5, 0.05, "brightness_fraction",
                       "Makes the photo lighter or darker by up to this share of the full 0-255 range."),
    "aug_contrast": ("Contrast", 0.0, 0.5, 0.05, "contrast_fraction",
                     "Changes how strongly light and dark parts differ."),
}
PRESET_CHOICES = {
    "The long tutorial's settings": TUTORIAL,
    "What the shipped models were trained with": TRAINING,
}


def apply_preset() -> None:
    settings = PRESET_CHOICES[st.session_state["aug_preset"]]
    for key, (*_, field_name, _meaning) in SLIDERS.items():
        st.session_state[key] = float(getattr(settings, field_name))
    st.session_state["aug_flip"] = settings.horizontal_flip
    st.session_state["aug_fill"] = settings.fill_mode


def augmentation_controls() -> AugmentationSettings:
    if "aug_preset" not in st.session_state:
        st.session_state["aug_preset"] = next(iter(PRESET_CHOICES))
        apply_preset()
    st.selectbox("Start from", list(PRESET_CHOICES), key="aug_preset", on_change=apply_preset)
    values = {}
    for key, (label, minimum, maximum, step, field_name, meaning) in SLIDERS.items():
        values[field_name] = st.slider(label, minimum, maximum, step=step, key=key)
        if field_name == "contrast_fraction" and values[field_name]:
            low, high = contrast_range(AugmentationSettings(contrast_fraction=values[field_name]))
            meaning += f" The contrast is multiplied by a random factor from {low:.2f} to {high:.2f}."
        st.caption(meaning)
    flip = st.checkbox("Horizontal flip", key="aug_flip")
    st.caption("Mirrors half of the photos left to right: a cat facing left is still a cat.")
    fill = st.selectbox("Fill mode", FILL_MODES, key="aug_fill")
    st.caption("How the corners uncovered by a turn or shift are filled: “nearest” repeats the edge pixels.")
    return AugmentationSettings(horizontal_flip=flip, fill_mode=fill, **values)


def choose_augmentation_photo(listing, reader) -> tuple[str, np.ndarray]:
    """The photo to augment: the session's photo (upload/demo) or one from the data set."""
    choices = ["Your photo or the demo photo"]
    if listing is not None and len(listing):
        choices.append("A random photo from the data set")
    picked = st.radio("Photo to augment", choices, horizontal=True, key="aug_photo_choice")
    if picked == choices[0]:
        photo = photo_source("dataset")
        return f"{photo.source}:{photo.name}:{hashlib.sha1(photo.pixels.tobytes()).hexdigest()}", photo.pixels
    seed = st.session_state.get("dataset_shuffle_seed", 0)
    rng = np.random.default_rng(seed + 1000)
    for _ in range(10):  # a broken file is skipped, not shown as an error
        path = listing.files[int(rng.integers(len(listing)))].path
        try:
            pixels = decode_image(reader(path)).pixels
        except (ImageLoadError, OSError):
            continue
        st.caption(f"From the data set: `{path}` (“Shuffle” above picks another).")
        return f"dataset:{listing.source}:{path}", pixels
    st.warning("No photo of the data set could be decoded; using the demo photo.")
    photo = photo_source("dataset")
    return f"{photo.source}:{photo.name}", photo.pixels


def show_augmentation(listing, reader) -> None:
    st.header("Augmentation preview")
    st.markdown(
        "During training every photo is changed a little, at random, each time it is used: turned, shifted, "
        "zoomed, flipped. The network then sees many versions of each cat and dog and learns what matters "
        "(ears, eyes, fur) instead of memorising exact pixels. Below, the photo goes through "
        "`core.augment.build_augmentation`, the very Keras layers the training code builds, so this preview "
        "is exactly what the network is trained on. Flip, turn, shift, slant and zoom are multiplied into one "
        "transform, so each version is resampled once and stays sharp."
    )
    photo_key, pixels = choose_augmentation_photo(listing, reader)
    controls, grid = st.columns([1, 2])
    with controls:
        settings = augmentation_controls()
    with grid:
        top = st.columns([2, 1])
        count = top[0].slider("How many versions", 8, 16, 12, step=4, key="aug_count")
        if top[1].button("Resample", icon=":material/casino:", key="aug_resample"):
            st.session_state["aug_seed"] = st.session_state.get("aug_seed", 0) + 1
        seed = st.session_state.get("aug_seed", 0)
        try:
            images = augmented(photo_key, pixels, tuple(sorted(settings.as_dict().items())), count, seed)
        except ValueError as error:
            st.error(str(error))
            return
        per_row = 4
        for start in range(0, len(images), per_row):
            columns = st.columns(per_row)
            for column, image in zip(columns, images[start:start + per_row]):
                column.image(image)
        st.caption(f"{len(images)} random versions at 160×160 (seed {seed}). “Resample” draws new ones.")
        steps = augmentation_steps(settings)
        if steps:
            st.markdown("**The random changes these settings switch on**")
            st.dataframe({"change": [step.layer_name for step in steps],
                          "Keras layer": [step.layer_type for step in steps],
                          "range": [step.settings for step in steps]}, hide_index=True, key="aug_layers")
        else:
            st.info("All changes are switched off: every version is the original photo.")
        st.caption("Augmentation is used on training batches only. Validation and test photos, and the photos you "
                   "classify, are never changed.")


# ----------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------

st.title("Dataset & augmentation")
st.markdown("A network is only as good as the photos it learns from. Explore a folder of photos sorted into one "
            "subfolder per class, see how it is split and cleaned, and preview the random changes training makes.")

data_listing, data_reader, data_key = choose_source()
if data_listing is None and not default_data_dir().is_dir():
    st.info(DOWNLOAD_HELP)
elif data_listing is None:
    st.info("Type the path of a folder on this computer, or upload a zip, to explore it.")
elif not len(data_listing):
    st.warning("No photos found in the class folders.")
else:
    show_counts(data_listing)
    show_split(data_listing)
    show_samples(data_listing, data_reader, data_key)
    show_check(data_listing, data_reader, data_key)
show_augmentation(data_listing if data_listing is not None and len(data_listing) else None, data_reader)
