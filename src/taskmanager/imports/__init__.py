"""CSV import and export of tasks, run as background jobs with visible progress."""
