"""Settings from the environment (pydantic-settings), read once by ``create_app``."""

from pathlib import Path

from pydantic_settings import BaseSettings

DEFAULT_DATABASE = Path(__file__).resolve().parent.parent / "instance" / "fastapi_blog.sqlite3"


class Settings(BaseSettings):
    database_url: str = f"sqlite:///{DEFAULT_DATABASE}"
    blog_secret_key: str
    blog_token_ttl: int = 3600
