"""Deployment: the nginx configuration renderer and the `make stack` topology."""
