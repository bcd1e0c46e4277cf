"""Class mode: a class's photos and checkpoint answers, stored in SQL, shown back on the teacher's board.

``codes`` makes class codes and secret keys, ``nicknames`` bounds what students
type, ``photo_copy`` makes the small JPEG copies that are stored, ``schema`` and
``database`` hold the tables and the engine, ``store`` every read and write with
its limits and checks, and ``board`` the counts the board shows.
"""
