"""core/data/archive.py: an uploaded zip opened in memory, its limits checked before a byte is unpacked."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.data import archive


def zip_bytes(files: dict[str, bytes], folders: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as written:
        for folder in folders:
            written.writestr(zipfile.ZipInfo(folder.rstrip("/") + "/"), b"")
        for name, data in files.items():
            written.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_class_folders_lists_its_files_without_the_folders():
    data = zip_bytes({"cats/a.jpg": b"1", "cats/b.jpg": b"22", "dogs/c.jpg": b"333"}, folders=("cats", "dogs"))
    opened = archive.open_zip_bytes(data)
    members = archive.zip_members(opened)
    assert [member.filename for member in members] == ["cats/a.jpg", "cats/b.jpg", "dogs/c.jpg"]
    assert opened.read(members[2]) == b"333"


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 but nothing after the signature", b"\x89PNG\r\n\x1a\n not a zip",
                                  b"garbage " * 100])
def test_garbage_is_not_a_zip(data):
    with pytest.raises(ValueError) as caught:
        archive.open_zip_bytes(data)
    assert str(caught.value) == "This file is not a valid zip archive (or it is damaged)."
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # one line, no zipfile traceback


def test_a_zip_cut_short_is_refused():
    data = zip_bytes({"cats/a.jpg": b"x" * 1000})
    with pytest.raises(ValueError, match="not a valid zip archive"):
        archive.open_zip_bytes(data[: len(data) // 2])


def test_the_upload_limit_is_checked_before_opening():
    data = zip_bytes({"cats/a.jpg": b"x" * 2000})
    assert archive.open_zip_bytes(data, max_upload_bytes=len(data)).namelist() == ["cats/a.jpg"]  # at the limit
    # Not a zip either, but the size is what the learner hears about: it is checked first.
    with pytest.raises(ValueError) as caught:
        archive.open_zip_bytes(b"\x00" * 3_000_001, max_upload_bytes=2_000_000)
    assert str(caught.value) == "The zip is 3 MB; the limit is 2 MB."


def test_too_many_files_are_refused():
    opened = archive.open_zip_bytes(zip_bytes({f"cats/{number}.jpg": b"" for number in range(6)}))
    assert len(archive.zip_members(opened, max_files=6)) == 6
    with pytest.raises(ValueError) as caught:
        archive.zip_members(opened, max_files=5)
    assert str(caught.value) == "The zip holds 6 files; the limit here is 5."


def test_a_zip_bomb_is_refused_from_its_declared_sizes():
    # 3 MB of zeros compress to a few kilobytes; the headers still declare the 3 MB.
    data = zip_bytes({"cats/zeros.bin": bytes(3_000_000)})
    assert len(data) < 50_000
    opened = archive.open_zip_bytes(data)
    with pytest.raises(ValueError) as caught:
        archive.zip_members(opened, max_unpacked_bytes=2_000_000)
    assert str(caught.value) == "The zip unpacks to 3 MB; the limit here is 2 MB."
    assert len(archive.zip_members(opened, max_unpacked_bytes=3_000_000)) == 1


def test_the_default_limits():
    assert archive.MAX_ZIP_UPLOAD_BYTES == 500_000_000
    assert archive.MAX_ZIP_FILES == 20_000
    assert archive.MAX_ZIP_UNPACKED_BYTES == 2_000_000_000
    assert archive.MAX_MEMBER_BYTES == 50 * 2**20  # as large as one photo upload may be
