"""Views of the lab page: each reads its controls into a small frozen spec, calls core/, and shows a result."""
