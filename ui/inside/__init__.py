"""Views of the inside page: each reads its controls into a small frozen spec, calls core/, and shows a result."""
