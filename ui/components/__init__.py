"""Widgets several pages share: pickers, charts, grids, steppers, galleries and messages."""
