"""Download a cats-and-dogs archive, verify it, unpack it safely, check and split it.

Two public archives are known:

* ``petimages``: Microsoft's PetImages (Kaggle "Dogs vs. Cats"), about
  25,000 photos in ``PetImages/Cat`` and ``PetImages/Dog``, a few of them
  empty or damaged (about 790 MB).
* ``filtered``: Google's ``cats_and_dogs_filtered``, 2,000 training and
  1,000 validation photos from the same set (about 65 MB).

Usage (needs internet)::

    python -m core.data.download filtered --dest data
    python -m core.data.download petimages --dest data

This saves the archive in ``DEST/``, unpacks it into ``DEST/<name>/raw/``, checks
every photo with :mod:`core.data.check` and writes the seeded 80/10/10
split to ``DEST/<name>/split/{train,validation,test}/{cats,dogs}/`` (hard
links, so no extra disk space). Point the app and training at it with
``CNN_CLASSROOM_DATA=DEST/<name>/split``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import stat
import sys
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.data import __main__, check
from core.data.listing import folder_reader, list_folder
from core.data.split import DEFAULT_FRACTIONS, SplitResult, format_split, split_dataset

#: Largest total an archive may unpack to (a guard against zip bombs).
MAX_EXTRACTED_BYTES = 5_000_000_000

#: Largest ratio of unpacked to packed size for one member (JPEGs barely compress).
MAX_COMPRESSION_RATIO = 200

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ArchiveSource:
    """A downloadable archive of class folders."""

    name: str
    url: str
    file_name: str
    description: str
    approximate_megabytes: int
    sha256: str | None = None  # None: the publisher gives no checksum; pass one with --sha256 to check it
    rename_classes: tuple[tuple[str, str], ...] = ()  # source folder name -> class name the app uses


SOURCES = {
    "petimages": ArchiveSource(
        name="petimages",
        url="https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/"
            "kagglecatsanddogs_5340.zip",
        file_name="kagglecatsanddogs_5340.zip",
        description="Microsoft PetImages: about 25,000 cat and dog photos, a few of them broken",
        approximate_megabytes=790,
        rename_classes=(("Cat", "cats"), ("Dog", "dogs")),
    ),
    "filtered": ArchiveSource(
        name="filtered",
        url="https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
        file_name="cats_and_dogs_filtered.zip",
        description="Google's cats_and_dogs_filtered: 2,000 training and 1,000 validation photos",
        approximate_megabytes=65,
    ),
}

Opener = Callable[..., object]  # urllib.request.urlopen-like: returns a response with .read() and .headers


class DownloadError(ValueError):
    """A download or archive that cannot be used, with a one-line reason."""


def _content_length(response) -> int | None:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def download(
    url: str,
    destination: str | Path,
    *,
    opener: Opener = urllib.request.urlopen,
    expected_sha256: str | None = None,
    show_progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``destination`` with a progress bar; return the file.

    The bytes go to ``destination.part`` first and are renamed only after the
    size matches the server's Content-Length and (if given) the SHA-256
    matches, so an interrupted download never looks complete.
    """
    from tqdm import tqdm

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    digest = hashlib.sha256()
    received = 0
    try:
        response = opener(url, timeout=timeout)
    except OSError as error:  # URLError, HTTPError and socket errors are OSErrors
        raise DownloadError(f"Could not download {url}: {error}") from None
    try:
        expected_size = _content_length(response)
        with open(partial, "wb") as output, tqdm(
            total=expected_size, unit="B", unit_scale=True, unit_divisor=1024,
            desc=destination.name, disable=not show_progress,
        ) as bar:
            while True:
                chunk = response.read(CHUNK_BYTES)
                if not chunk:
                    break
                output.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"The download of {url} failed after {received:,} bytes: {error}") from None
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    if expected_size is not None and received != expected_size:
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"The download of {url} stopped early: {received:,} of {expected_size:,} bytes. Run it again."
        )
    if received == 0:
        partial.unlink(missing_ok=True)
        raise DownloadError(f"The download of {url} was empty.")
    if expected_sha256 and digest.hexdigest().lower() != expected_sha256.lower():
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"The SHA-256 of {destination.name} is {digest.hexdigest()}, expected {expected_sha256}: "
            "the file is damaged or not the expected one."
        )
    os.replace(partial, destination)
    return destination


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_archive(path: str | Path, expected_sha256: str | None = None) -> int:
    """Check that ``path`` is a complete zip (every member's CRC) and return its member count."""
    path = Path(path)
    if not path.is_file():
        raise DownloadError(f"{path} does not exist.")
    if expected_sha256 and sha256_of(path).lower() != expected_sha256.lower():
        raise DownloadError(f"The SHA-256 of {path.name} does not match {expected_sha256}.")
    if not zipfile.is_zipfile(path):
        raise DownloadError(f"{path.name} is not a zip archive (an incomplete download or an error page?).")
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            count = len(archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DownloadError(f"{path.name} is damaged: {error}") from None
    if broken is not None:
        raise DownloadError(f"{path.name} is damaged: {broken} fails its checksum.")
    return count


def _safe_target(destination: Path, member_name: str) -> Path | None:
    """Where a member may be written, or None to skip it; raises on a path that escapes."""
    name = member_name.replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or (pure.parts and ":" in pure.parts[0]):
        raise DownloadError(f"The archive holds an absolute path ({member_name}); refusing to unpack it.")
    if ".." in pure.parts:
        raise DownloadError(f"The archive holds a path leaving its folder ({member_name}); refusing to unpack it.")
    parts = [part for part in pure.parts if part not in ("", ".")]
    if not parts:
        return None
    target = destination.joinpath(*parts)
    if not target.resolve().is_relative_to(destination.resolve()):
        raise DownloadError(f"The archive holds a path leaving its folder ({member_name}); refusing to unpack it.")
    return target


def safe_extract(
    archive_path: str | Path,
    destination: str | Path,
    *,
    max_total_bytes: int = MAX_EXTRACTED_BYTES,
    show_progress: bool = True,
) -> int:
    """Unpack a zip into ``destination`` without ever writing outside it; return the files written.

    Absolute paths and ``..`` are refused, symbolic links are skipped, and the
    total size and compression ratio are capped (zip bombs). Every member is
    checked before anything is written.
    """
    from tqdm import tqdm

    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise DownloadError(f"{Path(archive_path).name} is not a readable zip: {error}") from None
    with archive:
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        total = 0
        for info in archive.infolist():
            target = _safe_target(destination, info.filename)
            mode = info.external_attr >> 16
            if target is None or info.is_dir() or stat.S_ISLNK(mode):
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
                raise DownloadError(f"{info.filename} expands {info.file_size / info.compress_size:.0f}-fold; "
                                    "refusing a possible zip bomb.")
            total += info.file_size
            if total > max_total_bytes:
                raise DownloadError(f"The archive unpacks to more than {max_total_bytes / 1e9:.0f} GB; refusing it.")
            plan.append((info, target))
        for info, target in tqdm(plan, desc="Unpacking", unit="file", disable=not show_progress):
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "wb") as output:
                shutil.copyfileobj(source, output, CHUNK_BYTES)
    return len(plan)


@dataclass(frozen=True)
class PreparedDataset:
    """Where everything went."""

    archive: Path
    raw_folder: Path
    split_folder: Path
    report: check.CheckReport
    split: SplitResult


def prepare(
    name: str,
    destination: str | Path,
    *,
    url: str | None = None,
    opener: Opener = urllib.request.urlopen,
    expected_sha256: str | None = None,
    seed: int = 0,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    show_progress: bool = True,
    workers: int | None = None,
) -> PreparedDataset:
    """Download (unless already there), verify, unpack, check and split one archive.

    ``url`` and ``opener`` replace the real address and ``urllib`` (tests use
    a ``file://`` URL or a fake opener). An archive already downloaded and
    intact is reused; an existing unpacked folder is unpacked again from it.
    """
    if name not in SOURCES:
        raise DownloadError(f"Unknown data set {name!r}; choose one of {', '.join(SOURCES)}.")
    source = SOURCES[name]
    sha256 = expected_sha256 or source.sha256
    destination = Path(destination).expanduser()
    archive = destination / source.file_name
    base = destination / name
    raw_folder, split_folder = base / "raw", base / "split"
    if split_folder.exists() and any(split_folder.iterdir()):
        raise DownloadError(f"{split_folder} already exists; delete it to prepare the data again.")
    reuse = False
    if archive.is_file():
        try:
            verify_archive(archive, sha256)
            reuse = True
        except DownloadError:
            archive.unlink()
    if not reuse:
        _say(show_progress, f"Downloading {source.description} (about {source.approximate_megabytes} MB)")
        download(url or source.url, archive, opener=opener, expected_sha256=sha256, show_progress=show_progress)
        verify_archive(archive)
    if raw_folder.exists():
        shutil.rmtree(raw_folder)
    safe_extract(archive, raw_folder, show_progress=show_progress)
    listing = list_folder(raw_folder)
    check_root = raw_folder / listing.root if listing.root else raw_folder
    progress, close = __main__.progress_bar("Checking") if show_progress else (None, lambda: None)
    try:
        report = check.check_dataset(
            list_folder(check_root), folder_reader(check_root),
            workers=workers, progress=progress,
        )
    finally:
        close()
    _say(show_progress, check.format_report(report, limit=10))
    split = split_dataset(
        check_root, split_folder, fractions=fractions, seed=seed, rename_classes=dict(source.rename_classes),
        report=report, workers=workers,
    )
    _say(show_progress, format_split(split))
    _say(show_progress, f"Use it with: CNN_CLASSROOM_DATA={split_folder} streamlit run app.py")
    return PreparedDataset(archive=archive, raw_folder=raw_folder, split_folder=split_folder,
                           report=report, split=split)


def _say(enabled: bool, text: str) -> None:
    if enabled:
        print(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.data.download", description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", choices=sorted(SOURCES), help="which archive to fetch")
    parser.add_argument("--dest", default="data", help="folder for the archive and the data (default: data)")
    parser.add_argument("--sha256", default=None, help="expected SHA-256 of the archive, checked when given")
    parser.add_argument("--url", default=None, help="another address for the same archive (a mirror)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the train/validation/test split")
    arguments = parser.parse_args(argv)
    try:
        prepare(arguments.dataset, arguments.dest, url=arguments.url, expected_sha256=arguments.sha256,
                seed=arguments.seed)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
