"""``make compare``: the three blogs side by side on PostgreSQL under wrk (see __main__)."""
