"""The download-verify-extract-check-split chain, on archives the tests build (never the network)."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from pathlib import Path

import pytest

from core.data import download
from core.data.files import split_folder
from core.data.split import MANIFEST_NAME
from harness.photo_files import make_photo_bytes


def petimages_zip(path: Path, per_class: int = 10) -> Path:
    """A small archive laid out like Microsoft's PetImages, with its known flaws."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme[1].txt", "Microsoft Research cats and dogs")
        for folder, shade in (("Cat", 30), ("Dog", 200)):
            for number in range(per_class):
                archive.writestr(f"PetImages/{folder}/{number}.jpg",
                                 make_photo_bytes(40 + number, 30, color=(shade, number * 20, 90)))
            archive.writestr(f"PetImages/{folder}/Thumbs.db", b"\x00\x01windows thumbnail cache")
        archive.writestr("PetImages/Cat/666.jpg", b"")  # the famous empty file
        photo = make_photo_bytes(300, 200)
        archive.writestr("PetImages/Dog/11702.jpg", photo[: len(photo) // 3])  # cut short
    return path


def filtered_zip(path: Path) -> Path:
    """A small archive laid out like Google's cats_and_dogs_filtered."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cats_and_dogs_filtered/vectorize.py", "print('hi')")
        for split, count, offset in (("train", 8, 0), ("validation", 4, 100)):
            for name, shade in (("cats", 40), ("dogs", 210)):
                for number in range(count):
                    archive.writestr(f"cats_and_dogs_filtered/{split}/{name}/{name[:-1]}.{offset + number}.jpg",
                                     make_photo_bytes(32, 32 + number, color=(shade, offset + number, 10)))
    return path


class FakeResponse:
    """What urlopen returns: read() in chunks, headers, close()."""

    def __init__(self, data: bytes, declared_length: int | None = None):
        self._stream = io.BytesIO(data)
        self.headers = {} if declared_length is None else {"Content-Length": str(declared_length)}
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        self.closed = True


def test_prepare_petimages_from_a_file_url(tmp_path, capsys):
    archive = petimages_zip(tmp_path / "source.zip")
    prepared = download.prepare("petimages", tmp_path / "data", url=archive.as_uri(), workers=2)
    assert prepared.archive == tmp_path / "data" / "kagglecatsanddogs_5340.zip"
    assert prepared.archive.read_bytes() == archive.read_bytes()
    assert not list((tmp_path / "data").glob("*.part"))
    # The broken files are reported by name and never reach the split.
    kinds = {issue.path: issue.kind for issue in prepared.report.issues}
    assert kinds == {"Cat/666.jpg": "non_image", "Dog/11702.jpg": "truncated",
                     "Cat/Thumbs.db": "non_image", "Dog/Thumbs.db": "non_image"}
    splits = split_folder(prepared.split_folder)
    assert splits["train"].class_names == ("cats", "dogs")  # renamed from Cat/Dog
    assert {name: len(splits[name]) for name in splits} == {"train": 16, "validation": 2, "test": 2}
    written = [p.name for p in prepared.split_folder.rglob("*") if p.is_file()]
    assert "666.jpg" not in written and "11702.jpg" not in written and "Thumbs.db" not in written
    printed = capsys.readouterr()
    assert "CNN_CLASSROOM_DATA=" in printed.out
    assert "%" in printed.err  # the tqdm progress bars


def test_prepare_filtered_pools_and_resplits(tmp_path):
    archive = filtered_zip(tmp_path / "filtered.zip")
    prepared = download.prepare("filtered", tmp_path / "data", url=archive.as_uri(), show_progress=False)
    assert prepared.report.listing.layout == "split"
    assert prepared.split.counts == {"train": {"cats": 10, "dogs": 10}, "validation": {"cats": 1, "dogs": 1},
                                     "test": {"cats": 1, "dogs": 1}}
    assert not prepared.report.issues


def test_an_intact_archive_is_not_downloaded_again(tmp_path):
    archive = filtered_zip(tmp_path / "filtered.zip")
    destination = tmp_path / "data"
    destination.mkdir()
    (destination / "cats_and_dogs_filtered.zip").write_bytes(archive.read_bytes())

    def no_network(*args, **kwargs):
        raise AssertionError("must not download")

    prepared = download.prepare("filtered", destination, opener=no_network, show_progress=False)
    assert prepared.split.total("train") == 20
    with pytest.raises(download.DownloadError, match="already exists"):
        download.prepare("filtered", destination, opener=no_network, show_progress=False)


def test_a_short_download_is_refused_and_leaves_nothing(tmp_path):
    data = b"PK" + bytes(1000)
    opener = lambda url, timeout: FakeResponse(data, declared_length=5000)  # noqa: E731
    target = tmp_path / "file.zip"
    with pytest.raises(download.DownloadError, match="stopped early: 1,002 of 5,000 bytes"):
        download.download("https://example.invalid/file.zip", target, opener=opener, show_progress=False)
    assert not target.exists() and not list(tmp_path.iterdir())


def test_sha256_is_checked_when_given(tmp_path):
    data = filtered_zip(tmp_path / "source.zip").read_bytes()
    right = hashlib.sha256(data).hexdigest()
    opener = lambda url, timeout: FakeResponse(data, declared_length=len(data))  # noqa: E731
    saved = download.download("x", tmp_path / "ok.zip", opener=opener, expected_sha256=right, show_progress=False)
    assert saved.read_bytes() == data and download.sha256_of(saved) == right
    assert download.verify_archive(saved, right) > 0
    with pytest.raises(download.DownloadError, match="SHA-256"):
        download.download("x", tmp_path / "bad.zip", opener=opener, expected_sha256="0" * 64, show_progress=False)
    assert not (tmp_path / "bad.zip").exists()


def test_network_errors_become_one_line_messages(tmp_path):
    def offline(url, timeout):
        raise OSError("Name or service not known")

    with pytest.raises(download.DownloadError, match="Could not download .*Name or service not known"):
        download.download("https://example.invalid/x.zip", tmp_path / "x.zip", opener=offline, show_progress=False)
    with pytest.raises(download.DownloadError, match="Unknown data set"):
        download.prepare("flowers", tmp_path)


def test_damaged_and_fake_archives_are_refused(tmp_path):
    good = filtered_zip(tmp_path / "good.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(good[: len(good) // 2])
    (tmp_path / "page.zip").write_bytes(b"<html>Access denied</html>")
    corrupted = bytearray(good)
    first_member = corrupted.index(b"print('hi')")
    corrupted[first_member] ^= 0xFF  # stored (not compressed) bytes: the CRC catches it
    (tmp_path / "crc.zip").write_bytes(bytes(corrupted))
    for name in ("cut.zip", "page.zip", "crc.zip"):
        with pytest.raises(download.DownloadError):
            download.verify_archive(tmp_path / name)


@pytest.mark.parametrize("evil_name", ["../escaped.txt", "/tmp/absolute.txt", "a/../../escaped.txt",
                                       "C:/windows.txt", "..\\backslash.txt"])
def test_extraction_never_writes_outside_its_folder(tmp_path, evil_name):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("fine/ok.txt", "ok")
        handle.writestr(evil_name, "gotcha")
    target = tmp_path / "inside" / "deeper"
    with pytest.raises(download.DownloadError, match="refusing"):
        download.safe_extract(archive, target, show_progress=False)
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "inside" / "escaped.txt").exists()
    assert not (target / "fine" / "ok.txt").exists()  # nothing written before every name is checked


def test_extraction_skips_links_and_refuses_zip_bombs(tmp_path):
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        link = zipfile.ZipInfo("data/cats/link.jpg")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        handle.writestr(link, "/etc/passwd")
        handle.writestr("data/cats/real.txt", "ok")
    assert download.safe_extract(archive, tmp_path / "out", show_progress=False) == 1
    assert not (tmp_path / "out" / "data" / "cats" / "link.jpg").exists()
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("zeros.bin", bytes(20_000_000))
    with pytest.raises(download.DownloadError, match="zip bomb"):
        download.safe_extract(bomb, tmp_path / "bomb", show_progress=False)
    with pytest.raises(download.DownloadError, match="more than"):
        download.safe_extract(archive, tmp_path / "small", max_total_bytes=1, show_progress=False)


def test_command_line_with_a_mirror_url(tmp_path, capsys):
    archive = filtered_zip(tmp_path / "mirror.zip")
    assert download.main(["filtered", "--dest", str(tmp_path / "data"), "--url", archive.as_uri()]) == 0
    assert (tmp_path / "data" / "filtered" / "split" / MANIFEST_NAME).is_file()
    assert download.main(["filtered", "--dest", str(tmp_path / "data")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_the_real_sources_are_the_documented_addresses():
    assert download.SOURCES["petimages"].url == (
        "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip")
    assert download.SOURCES["filtered"].url == "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
