"""The image, built once per test session from the real Dockerfile (engine.py); the tests that
need it skip without a Docker engine, and fail without one in CI."""

from __future__ import annotations

import pytest

from tests.docker import engine


@pytest.fixture(scope="session")
def image() -> engine.Image:
    return engine.build()

