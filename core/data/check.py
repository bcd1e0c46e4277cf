"""Checking a dataset: every photo decoded the app's way; non-images, truncated, unreadable files and duplicates
reported."""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import numpy as np

from core.arithmetic.numbers import count_text
from core.data.listing import UNSPLIT, DatasetFile, DatasetListing, Progress, Reader, split_order
from core.imaging.decode import EMPTY_FILE, NOT_AN_IMAGE, TRUNCATED, ImageLoadError, decode_image
from core.imaging.digest import digest

#: The kinds of problem the check reports, in the order the page lists them.
ISSUE_KINDS = ("non_image", "truncated", "unreadable", "duplicate")

#: What happens to each kind of problem file.
ISSUE_ACTIONS = {
    "non_image": "Left out by the split. Training only reads files with an image extension, and would use a "
                 "black image for one that does not decode.",
    "truncated": "Left out by the split; if one stayed in a training folder, training would use a black image "
                 "instead (it never crashes on it).",
    "unreadable": "Left out by the split; if one stayed in a training folder, training would use a black image "
                  "instead (it never crashes on it).",
    "duplicate": "Kept once by the split, so the same photo can never be in two splits.",
}

#: How the page names each kind of problem.
ISSUE_LABELS = {"non_image": "Not images", "truncated": "Truncated", "unreadable": "Unreadable",
                "duplicate": "Duplicates"}

#: The check command the page points to for a full check.
CHECK_COMMAND = "python -m core.data check FOLDER"


@dataclass(frozen=True)
class FileIssue:
    """One problem file and why."""

    path: str
    split: str
    class_name: str
    kind: str  # one of ISSUE_KINDS
    reason: str
    duplicate_of: str = ""

    @property
    def action(self) -> str:
        return ISSUE_ACTIONS[self.kind]

    @property
    def label(self) -> str:
        return ISSUE_LABELS[self.kind]


@dataclass(frozen=True)
class CheckReport:
    """The result of decoding a data set (or a sample of it)."""

    listing: DatasetListing
    checked: tuple[str, ...]  # paths decoded (all files, or the sample)
    sample_per_class: int | None  # None: every file was checked
    issues: tuple[FileIssue, ...]
    # One entry per photo that decoded (duplicates included), in ``checked`` order:
    image_paths: tuple[str, ...] = ()
    widths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    heights: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    class_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), compare=False)
    channel_mean: tuple[float, float, float] = (0.0, 0.0, 0.0)  # 0..255, over unique decoded photos
    channel_std: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pixel_count: int = 0

    @property
    def sampled(self) -> bool:
        return self.sample_per_class is not None and len(self.checked) < len(self.listing.files)

    def issues_of(self, kind: str) -> list[FileIssue]:
        return [issue for issue in self.issues if issue.kind == kind]

    def counts_by_kind(self) -> dict[str, int]:
        return {kind: len(self.issues_of(kind)) for kind in ISSUE_KINDS}

    def excluded_paths(self) -> set[str]:
        """Files a split leaves out: broken ones and every copy of a duplicate but the first."""
        return {issue.path for issue in self.issues}

    @property
    def good_count(self) -> int:
        """Photos checked that decode and are not a copy of another one."""
        bad = {issue.path for issue in self.issues}
        return sum(1 for path in self.checked if path not in bad)

    @property
    def scope_sentence(self) -> str:
        """Which photos the numbers below describe: all of them, or which sample."""
        if not self.sampled:
            if len(self.checked) == 1:
                return "Checked the only photo."
            return f"Checked all {count_text(len(self.checked), 'photo')}."
        return (f"Checked a random sample of {len(self.checked):,} of the {count_text(len(self.listing), 'photo')} "
                f"(up to {self.sample_per_class} per class, always the same sample): the sizes, statistics and "
                f"problems below describe this sample. The command `{CHECK_COMMAND}` checks every file.")

    @property
    def size_sentence(self) -> str:
        """The range of widths and heights, and why it matters ("" when no photo decoded)."""
        if not self.widths.size:
            return ""
        return (f"Widths {self.widths.min()}–{self.widths.max()} px, heights {self.heights.min()}–"
                f"{self.heights.max()} px. Training squeezes every photo to one square size (150×150 for the "
                "classic model), so very long or very small photos get distorted or blurry.")

    def channel_table(self) -> dict[str, list]:
        """Mean and standard deviation of each colour, on the 0-255 and the 0-1 scale (table columns)."""
        return {
            "channel": ["red", "green", "blue"],
            "mean (0-255)": [round(value, 1) for value in self.channel_mean],
            "std (0-255)": [round(value, 1) for value in self.channel_std],
            "mean (0-1)": [round(value / 255, 3) for value in self.channel_mean],
            "std (0-1)": [round(value / 255, 3) for value in self.channel_std],
        }

    def issue_table(self) -> dict[str, list[str]]:
        """One row per problem file (table columns)."""
        return {
            "file": [issue.path for issue in self.issues],
            "class": [issue.class_name for issue in self.issues],
            "split": [issue.split for issue in self.issues],
            "problem": [issue.label for issue in self.issues],
            "details": [issue.reason for issue in self.issues],
        }

    def action_lines(self) -> list[str]:
        """'**Truncated** (1): Left out by the split; ...' for each kind of problem found."""
        return [f"**{ISSUE_LABELS[kind]}** ({count}): {ISSUE_ACTIONS[kind]}"
                for kind, count in self.counts_by_kind().items() if count]


@dataclass(frozen=True)
class _Decoded:
    path: str
    error: str = ""
    kind: str = ""
    byte_hash: str = ""
    pixel_hash: str = ""
    width: int = 0
    height: int = 0
    channel_sum: tuple[float, float, float] = (0.0, 0.0, 0.0)
    channel_square_sum: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pixel_count: int = 0


def classify_load_error(message: str) -> str:
    """Map a :class:`core.imaging.decode.ImageLoadError` message to an issue kind."""
    lowered = message.lower()
    if message == TRUNCATED or "truncated" in lowered:
        return "truncated"
    not_images = (NOT_AN_IMAGE, EMPTY_FILE)
    if message in not_images or "empty" in lowered or "not an image" in lowered or "is not a" in lowered:
        return "non_image"
    return "unreadable"


def _decode_one(path: str, reader: Reader) -> _Decoded:
    try:
        data = reader(path)
    except OSError as error:
        return _Decoded(path, error=f"The file could not be read ({error}).", kind="unreadable")
    byte_hash = digest(data)
    try:
        decoded = decode_image(data)
    except ImageLoadError as error:
        return _Decoded(path, error=str(error), kind=classify_load_error(str(error)), byte_hash=byte_hash)
    pixels = decoded.pixels
    height, width = pixels.shape[:2]
    pixel_hash = digest(pixels)
    flat = pixels.reshape(-1, 3)
    channel_sum = flat.sum(axis=0, dtype=np.float64)
    as_float = flat.astype(np.float64)
    channel_square_sum = np.einsum("ij,ij->j", as_float, as_float)
    return _Decoded(
        path, byte_hash=byte_hash, pixel_hash=pixel_hash, width=width, height=height,
        channel_sum=tuple(float(v) for v in channel_sum),
        channel_square_sum=tuple(float(v) for v in channel_square_sum),
        pixel_count=int(flat.shape[0]),
    )


def sample_files(listing: DatasetListing, per_class: int | None, seed: int = 0) -> list[DatasetFile]:
    """Every file, or a seeded random sample of ``per_class`` files from each class (all splits together)."""
    if per_class is None:
        return list(listing.files)
    if per_class < 1:
        raise ValueError(f"The sample needs at least 1 photo per class, got {per_class}.")
    chosen: list[DatasetFile] = []
    for class_name in listing.class_names:
        files = listing.files_of(class_name)
        if len(files) <= per_class:
            chosen.extend(files)
            continue
        rng = np.random.default_rng([seed, zlib.crc32(class_name.encode())])
        picks = np.sort(rng.choice(len(files), size=per_class, replace=False))
        chosen.extend(files[int(index)] for index in picks)
    return chosen


def check_dataset(
    listing: DatasetListing,
    reader: Reader,
    *,
    sample_per_class: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Decode the photos of ``listing`` and report broken and duplicate files.

    Duplicates are photos whose decoded pixels are identical (the digest of the
    bytes tells an exact copy from a re-encoded one). The first copy in
    split, class, name order is kept; the others are reported. Sizes and
    channel statistics describe the photos that decoded (duplicates counted once).
    """
    chosen = sample_files(listing, sample_per_class, seed)
    by_path = {item.path: item for item in listing.files}
    issues: list[FileIssue] = [
        FileIssue(item.path, item.split, item.class_name, "non_image",
                  f"Not an image file name ({PurePosixPath(item.path).suffix or 'no extension'}); training skips it.")
        for item in listing.other_files
    ]
    workers = workers or min(8, os.cpu_count() or 1)
    results: list[_Decoded] = []
    paths = [item.path for item in chosen]
    # Pillow and zlib release the GIL while decoding, so threads use every core.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for number, result in enumerate(pool.map(lambda path: _decode_one(path, reader), paths), start=1):
            results.append(result)
            if progress is not None:
                progress(number, len(paths))

    first_by_pixels: dict[str, _Decoded] = {}
    widths, heights, class_indices, image_paths = [], [], [], []
    channel_sum = np.zeros(3)
    channel_square_sum = np.zeros(3)
    pixel_count = 0
    class_index = {name: index for index, name in enumerate(listing.class_names)}
    for result in results:
        item = by_path[result.path]
        if result.error:
            issues.append(FileIssue(item.path, item.split, item.class_name, result.kind, result.error))
            continue
        widths.append(result.width)
        heights.append(result.height)
        class_indices.append(class_index[item.class_name])
        image_paths.append(item.path)
        original = first_by_pixels.get(result.pixel_hash)
        if original is None:
            first_by_pixels[result.pixel_hash] = result
            channel_sum += result.channel_sum
            channel_square_sum += result.channel_square_sum
            pixel_count += result.pixel_count
            continue
        issues.append(_duplicate_issue(item, by_path[original.path], same_bytes=original.byte_hash == result.byte_hash))

    if pixel_count:
        mean = channel_sum / pixel_count
        std = np.sqrt(np.maximum(channel_square_sum / pixel_count - mean**2, 0.0))
    else:
        mean = std = np.zeros(3)
    issues.sort(key=lambda issue: (ISSUE_KINDS.index(issue.kind), split_order(issue.split), issue.class_name,
                                   issue.path))
    return CheckReport(
        listing=listing,
        checked=tuple(paths),
        sample_per_class=sample_per_class,
        issues=tuple(issues),
        image_paths=tuple(image_paths),
        widths=np.asarray(widths, np.int32),
        heights=np.asarray(heights, np.int32),
        class_indices=np.asarray(class_indices, np.int32),
        channel_mean=tuple(float(v) for v in mean),
        channel_std=tuple(float(v) for v in std),
        pixel_count=int(pixel_count),
    )


def _duplicate_issue(item: DatasetFile, original: DatasetFile, same_bytes: bool) -> FileIssue:
    what = "An exact copy of" if same_bytes else "The same pixels as"
    reason = f"{what} {original.path}."
    if original.class_name != item.class_name:
        reason += f" It is labelled {original.class_name!r} there and {item.class_name!r} here."
    if original.split != item.split and UNSPLIT not in (original.split, item.split):
        reason += f" It is in both {original.split} and {item.split}: a leak that flatters the {item.split} score."
    return FileIssue(item.path, item.split, item.class_name, "duplicate", reason, duplicate_of=original.path)


def format_report(report: CheckReport, limit: int = 20) -> str:
    """A plain-text summary of a check for the terminal."""
    listing = report.listing
    lines = [f"{listing.source}: {count_text(len(listing.files), 'photo')}, layout {listing.layout!r}"
             + (f" under {listing.root}/" if listing.root else "")]
    for split, classes in listing.counts().items():
        lines.append(f"  {split:<10} " + ", ".join(f"{name}: {count:,}" for name, count in classes.items()))
    scope = (f"a sample of {count_text(len(report.checked), 'photo')} ({report.sample_per_class} per class)"
             if report.sampled else f"all {count_text(len(report.checked), 'photo')}")
    lines.append(f"Checked {scope}: {report.good_count:,} usable.")
    for kind, count in report.counts_by_kind().items():
        lines.append(f"  {kind:<11} {count:,}")
    for issue in report.issues[:limit]:
        lines.append(f"  - {issue.path}: {issue.kind}: {issue.reason}")
    if len(report.issues) > limit:
        lines.append(f"  ... and {len(report.issues) - limit:,} more")
    if report.pixel_count:
        mean = ", ".join(f"{value:.1f}" for value in report.channel_mean)
        std = ", ".join(f"{value:.1f}" for value in report.channel_std)
        lines.append(f"Pixel mean (R, G, B): {mean}; standard deviation: {std} (0..255 scale)")
    if listing.stray_files:
        stray = len(listing.stray_files)
        lines.append(f"{count_text(stray, 'file')} outside the class folders "
                     f"{'was' if stray == 1 else 'were'} ignored.")
    return "\n".join(lines)
