"""``create_app``: the FastAPI application (``uvicorn --factory ...main:create_app``)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from comparison.fastapi_blog.config import Settings
from comparison.fastapi_blog.db import make_engine
from comparison.fastapi_blog.errors import register_error_handlers
from comparison.fastapi_blog.routers import posts
from comparison.fastapi_blog.routers import tokens
from comparison.fastapi_blog.routers import users


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()  # type: ignore[call-arg]  # from the environment
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(title="Blog API", version="1.0", redirect_slashes=False, lifespan=lifespan)
    app.state.settings = settings
    # Objects stay readable after commit, so a 201 answer needs no second SELECT.
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    register_error_handlers(app)

    @app.get("/api/v1/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    for module in (users, tokens, posts):
        app.include_router(module.router, prefix="/api/v1")
    return app
