"""Accounts: users, sign-in sessions and the Flask-Security wiring."""
