"""``python -m comparison serve ...``: see ``comparison/launcher.py``."""

from comparison.launcher import main

main()
