"""The blog API in FastAPI: async SQLAlchemy 2, Pydantic v2 and Alembic."""
