"""The limit: the product's API work done by raw WSGI on psycopg 3, nothing else."""
