"""One blog API built three times (Flask, Django, FastAPI), tested and measured alike.

The apps share no code. This package holds only what stands outside them: the
launcher (`python -m comparison serve ...`), the black-box tests and the benchmark.
"""
