"""Attachments: files on tasks, streamed to local disk or S3, served safely."""
