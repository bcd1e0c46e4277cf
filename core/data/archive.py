"""Zip archives a learner uploads, read in memory (never unpacked to disk), with one set of limits.

The dataset page lists a zip of class folders and the training page trains on
one; both open it here and check its size before reading a byte of content.
"""

from __future__ import annotations

import io
import zipfile

#: Largest zip file accepted as an upload.
MAX_ZIP_UPLOAD_BYTES = 500_000_000
#: Most files a zip may hold (more is almost always the wrong folder).
MAX_ZIP_FILES = 20_000
#: Most bytes its files may unpack to, as their headers declare (a zip bomb is refused before reading).
MAX_ZIP_UNPACKED_BYTES = 2_000_000_000
#: Largest single member read from a zip.
MAX_MEMBER_BYTES = 50 * 1024 * 1024


def open_zip_bytes(data: bytes, max_upload_bytes: int = MAX_ZIP_UPLOAD_BYTES) -> zipfile.ZipFile:
    """Open an uploaded zip held in memory, with a clear error for anything else."""
    if len(data) > max_upload_bytes:
        raise ValueError(f"The zip is {len(data) / 1e6:,.0f} MB; the limit is {max_upload_bytes / 1e6:,.0f} MB.")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("This file is not a valid zip archive (or it is damaged).") from None


def zip_members(archive: zipfile.ZipFile, max_files: int = MAX_ZIP_FILES,
                max_unpacked_bytes: int = MAX_ZIP_UNPACKED_BYTES) -> list[zipfile.ZipInfo]:
    """The archive's files (not folders), refusing too many files or too many declared bytes."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > max_files:
        raise ValueError(f"The zip holds {len(members):,} files; the limit here is {max_files:,}.")
    declared = sum(info.file_size for info in members)
    if declared > max_unpacked_bytes:
        raise ValueError(f"The zip unpacks to {declared / 1e6:,.0f} MB; the limit here is "
                         f"{max_unpacked_bytes / 1e6:,.0f} MB.")
    return members
