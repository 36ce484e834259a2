"""Search across every organization and project a user belongs to (the navigation box)."""
