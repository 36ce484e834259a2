"""Checklists: ordered items on a task, ticked off one by one, each convertible into a task."""
