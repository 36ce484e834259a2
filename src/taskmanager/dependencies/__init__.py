"""Dependencies: "blocked by" and "blocks" links between tasks of one organization."""
