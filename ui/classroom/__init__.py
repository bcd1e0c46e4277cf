"""Class mode's views: joining, sending a photo and its label, a checkpoint's answer, and the teacher's board."""
