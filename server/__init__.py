"""The sourcecheck web API. `create_app` lives in `server.app`; it is imported on first use
so that the command line starts without loading Flask or the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app (see `server.app.create_app`)."""
    from server.app import create_app as build

    return build(test_config)
