"""Every bound class mode keeps: how many, how long, how big (one place, quoted by the README and the board)."""

from __future__ import annotations

#: Students a class admits; the 61st is told the class is full.
MAX_STUDENTS = 60

#: Photos one student may send to the board.
MAX_PHOTOS_PER_STUDENT = 3

#: A class is deleted this long after its last activity (a join, a photo, a label, an answer, a teacher action).
IDLE_SECONDS = 4 * 3600

#: How often a running server looks for expired classes (also once on start).
SWEEP_SECONDS = 3600

#: Longest side, in pixels, of the JPEG copy of a photo that is stored (never the upload itself).
STORED_SIDE = 512

#: Longest side of the copy the board's grid shows (the large view uses the STORED_SIDE copy).
THUMBNAIL_SIDE = 192

#: A stored copy larger than this is refused (a 512-px JPEG is about 50 kB).
MAX_STORED_BYTES = 400_000

#: Characters of a nickname; longer ones are cut.
NICKNAME_CHARACTERS = 20

#: Characters of a photo's name, of a checkpoint option and of a model's name as stored.
NAME_CHARACTERS = 80
OPTION_CHARACTERS = 120

#: What a student may say their photo really shows.
LABELS = ("cat", "dog", "neither")
