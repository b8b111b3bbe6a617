"""Run the app under gunicorn, with the model loaded once before the workers fork."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):
    """gunicorn's documented way to embed it: options from us, the app from a factory."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._factory()


def application() -> Flask:
    """Entry point for running gunicorn directly: `gunicorn 'server.wsgi:application()'`."""
    from server import create_app

    return create_app()
