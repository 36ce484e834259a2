"""Saved views: a named filter and sort of a project's list or board, private or shared."""
