"""Fast entry and editing: quick-add, inline list edits, confirmations, project management."""
