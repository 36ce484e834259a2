"""The board: columns of cards by status, a page at a time, kept fresh by polling."""
