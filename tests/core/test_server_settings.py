"""core/server_settings.py: what a visitor's browser may read or write on the server, both off by default."""

from __future__ import annotations

import os

import pytest

from core.server_settings import allowed_folder, readable_folders, saving_allowed


def test_both_settings_are_off_unless_the_server_sets_them(tmp_path):
    assert readable_folders({}) == () and not saving_allowed({})
    assert not saving_allowed({"CNN_CLASSROOM_ALLOW_SAVING": "0"})
    assert saving_allowed({"CNN_CLASSROOM_ALLOW_SAVING": "1"})
    listed = f"{tmp_path}{os.pathsep}{tmp_path / 'missing'}{os.pathsep}"
    assert readable_folders({"CNN_CLASSROOM_READ_FOLDERS": listed}) == (tmp_path.resolve(),)
    with pytest.raises(ValueError, match="switched off"):
        allowed_folder(str(tmp_path), ())


def test_paths_are_resolved_before_they_are_compared(tmp_path):
    allowed = tmp_path / "photos"
    (allowed / "pets").mkdir(parents=True)
    outside = tmp_path / "private"
    outside.mkdir()
    (allowed / "escape").symlink_to(outside)
    folders = (allowed.resolve(),)
    assert allowed_folder(str(allowed / "pets"), folders) == (allowed / "pets").resolve()
    assert allowed_folder("pets", folders) == (allowed / "pets").resolve()  # relative: inside the allowed folder
    assert allowed_folder(str(allowed), folders) == allowed.resolve()
    for typed in (str(outside), str(allowed / ".." / "private"), str(allowed / "escape"), "../private", "/",
                  str(tmp_path / "photos_and_more")):
        with pytest.raises(ValueError, match="outside the folders"):
            allowed_folder(typed, folders)
    with pytest.raises(ValueError, match="not a folder"):
        allowed_folder(str(allowed / "missing"), folders)
    with pytest.raises(ValueError, match="under 1000 characters"):
        allowed_folder("a" * 2000, folders)
    with pytest.raises(ValueError, match="Type the path"):
        allowed_folder("  ", folders)
