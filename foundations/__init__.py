"""The layers under Flask, one at a time: raw WSGI, Werkzeug, Flask, middleware, contexts.

Start with ``foundations/README.md`` for the reading order. Importing this package
does nothing: each module builds its app only when asked (``create_app()``).
"""
