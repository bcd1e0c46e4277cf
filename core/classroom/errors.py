"""Why class mode refuses a request: each refusal carries the sentence a teacher or a student reads."""

from __future__ import annotations


class ClassroomError(ValueError):
    """A request class mode refuses, with the sentence to show."""


class UnknownClass(ClassroomError):
    pass


class NotTheTeacher(ClassroomError, PermissionError):
    pass
