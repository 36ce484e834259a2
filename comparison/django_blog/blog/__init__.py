"""The blog app: users, posts, bearer tokens and the JSON API."""
