"""What the class board shows, as records: the class's photos, how many the model got right, the answers to a step.

Pure: the store fills these from the database, the board's views draw them.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.classroom.limits import IDLE_SECONDS, LABELS, MAX_PHOTOS_PER_STUDENT, MAX_STUDENTS
from core.wording.percent import probability_percent, share_percent

#: The columns of the class's confusion matrix: every answer the Classify page can give.
ANSWERS = ("cat", "dog", "not sure", "neither")

#: The one line the board shows about what is kept (the README says the same at length).
PRIVACY_LINE = (f"Stored for this class only: nicknames, each photo as a 512-pixel copy with its answer and label, "
                f"and checkpoint answers. Only the teacher sees the photos; everything is deleted when the class "
                f"ends or {IDLE_SECONDS // 3600} hours after its last activity.")


@dataclass(frozen=True)
class ConfusionTable:
    """Counts of photos: rows what they really show, columns what the model answered."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: list[list[int]]

    @property
    def markdown(self) -> str:
        lines = ["| really ↓ · model → | " + " | ".join(self.columns) + " |",
                 "|---|" + "---:|" * len(self.columns)]
        lines += [f"| **{row}** | " + " | ".join(str(count) for count in counts) + " |"
                  for row, counts in zip(self.rows, self.counts)]
        return "\n".join(lines)


@dataclass(frozen=True)
class BoardPhoto:
    """One photo a student sent: the model's answer as the student's page showed it, and the student's label."""

    photo_id: int
    nickname: str
    name: str
    model_name: str
    answer: str  # "cat", "dog", "not sure" or "neither"
    best_guess: str  # the top class, also under "not sure" and "neither"
    confidence: float  # calibrated top-class probability
    neither: bool
    label: str | None  # what the student says the photo shows; None until they tap one
    hidden: bool
    thumbnail: bytes

    @property
    def right(self) -> bool | None:
        """Whether the model's answer is the student's label; None until labelled."""
        return None if self.label is None else self.answer == self.label

    @property
    def caption(self) -> str:
        """'dog, 97% · really cat' (plain text; the nickname is shown apart, escaped)."""
        if self.answer == "neither":
            said = f"neither? (best guess {self.best_guess}, {probability_percent(self.confidence)})"
        elif self.answer == "not sure":
            said = f"not sure ({probability_percent(self.confidence)} {self.best_guess})"
        else:
            said = f"{self.answer}, {probability_percent(self.confidence)}"
        flag = " · flagged neither" if self.neither and self.answer != "neither" else ""
        told = "not labelled yet" if self.label is None else f"really {self.label}"
        return f"{said}{flag} · {told}"


@dataclass(frozen=True)
class StepAnswers:
    """The class's first answers to one lesson step's checkpoint."""

    step: int
    options: tuple[tuple[str, int, bool], ...]  # (option, how many chose it, whether it is right), most chosen first
    revealed: bool

    @property
    def total(self) -> int:
        return sum(count for _, count, _ in self.options)

    @property
    def right(self) -> int:
        return sum(count for _, count, right in self.options if right)

    @property
    def student_sentence(self) -> str:
        """What a student sees of the class's answers: how many answered, and the share right once revealed."""
        if not self.total:
            return f"Nobody has answered step {self.step}'s checkpoint yet."
        if not self.revealed:
            return f"{self.total} of the class answered step {self.step}'s checkpoint; the teacher shows the answer."
        return f"{self.right} of the {self.total} who answered step {self.step}'s checkpoint got it right."

    @property
    def sentence(self) -> str:
        if not self.total:
            return f"No answers to step {self.step}'s checkpoint yet."
        counted = f"{self.total} answer{'s' if self.total != 1 else ''} to step {self.step}'s checkpoint"
        if not self.revealed:
            return f"{counted}. The share right shows when you click “Show the answer”."
        return f"{counted}: {self.right} right ({share_percent(self.right / self.total)})."


@dataclass(frozen=True)
class Board:
    """Everything the board shows for one class at one moment."""

    code: str
    students: int
    photos: tuple[BoardPhoto, ...]  # shown ones, oldest first (hidden ones are left out)
    hidden: int
    current_step: int
    answers: StepAnswers

    @property
    def main_model(self) -> str | None:
        """The model most of the photos were answered by (the test split shown beside them is its)."""
        names = [photo.model_name for photo in self.photos]
        return max(dict.fromkeys(names), key=names.count) if names else None

    @property
    def labelled(self) -> tuple[BoardPhoto, ...]:
        return tuple(photo for photo in self.photos if photo.label is not None)

    @property
    def right_count(self) -> int:
        return sum(1 for photo in self.labelled if photo.right)

    @property
    def right_sentence(self) -> str:
        """'The model got 23 of our 28 photos right.' over the photos a student labelled."""
        labelled = len(self.labelled)
        if not labelled:
            return "No labelled photos yet: after the model's answer, each student taps what their photo really shows."
        waiting = len(self.photos) - labelled
        more = f" ({waiting} more waiting for a label)" if waiting else ""
        noun = "photo" if labelled == 1 else "photos"
        return f"The model got {self.right_count} of our {labelled} {noun} right{more}."

    def confusion(self) -> list[list[int]]:
        """Rows: what the photos really show (LABELS); columns: the model's answer (ANSWERS)."""
        counts = [[0] * len(ANSWERS) for _ in LABELS]
        for photo in self.labelled:
            counts[LABELS.index(photo.label)][ANSWERS.index(photo.answer)] += 1
        return counts

    @property
    def limits_line(self) -> str:
        shown = f"{len(self.photos)} photo{'' if len(self.photos) == 1 else 's'} shown"
        hidden = f", {self.hidden} hidden" if self.hidden else ""
        return (f"{self.students} of {MAX_STUDENTS} students joined · {shown}{hidden} · "
                f"up to {MAX_PHOTOS_PER_STUDENT} photos a student")
