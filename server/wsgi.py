"""Run the app under gunicorn: the model loaded once in the master, reloaded there on HUP.

The master builds the app before forking, so workers share the model's memory.
On `kill -HUP` (or `POST /api/v1/model/reload`, which sends it) the master builds
a fresh app from the model file; new workers fork from it and the old ones
finish their requests and exit. A model file that cannot be loaded leaves the
old app in the master, so the new workers serve the old model.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http import errors
from gunicorn.workers.gthread import ThreadWorker

from classifiers.model import ModelError
from server.config import SettingsError
from server.problems import PROBLEM_MEDIA_TYPE, problem_body

_log = logging.getLogger("gunicorn.error")

#: gunicorn's refusals of a request it cannot parse, as statuses and titles.
_REFUSALS: tuple[tuple[type[Exception], int, str], ...] = (
    (errors.LimitRequestLine, 414, "URI Too Long"),
    (errors.LimitRequestHeaders, 431, "Request Header Fields Too Large"),
    (errors.UnsupportedTransferCoding, 501, "Not Implemented"),
    (errors.ExpectationFailed, 417, "Expectation Failed"),
    (errors.ParseException, 400, "Bad Request"),
)


class ProblemThreadWorker(ThreadWorker):
    """gunicorn's threaded worker, answering the requests gunicorn itself refuses as problem+json.

    A slow client holds one thread of it, not the whole worker.
    """

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        refusal = next(((s, t) for kind, s, t in _REFUSALS if isinstance(exc, kind)), None)
        if refusal is None:
            super().handle_error(req, client, addr, exc)
            return
        status, title = refusal
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps(problem_body(status, title, str(exc) or title, "unparsable-request")).encode()
        head = (
            f"HTTP/1.1 {status} {title}\r\nConnection: close\r\nContent-Type: {PROBLEM_MEDIA_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n"
        )
        try:
            client.sendall(head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send error message.")


def _tell_master_to_reload() -> None:
    os.kill(os.getppid(), signal.SIGHUP)


def _post_fork(server: Any, worker: Any) -> None:
    """Let this worker's app ask the master to reload every worker."""
    app = worker.app.callable
    if isinstance(app, Flask):
        app.extensions["sourcecheck.reload_workers"] = _tell_master_to_reload


class GunicornServer(BaseApplication):
    """gunicorn's documented way to embed it: options from us, the app from a factory."""

    callable: Flask | None

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = {"post_fork": _post_fork, **options}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        try:
            return self._factory()
        except (ModelError, SettingsError) as error:
            sys.stderr.write(f"sourcecheck serve: {error}\n")
            raise SystemExit(2) from None

    def reload(self) -> None:
        """On HUP: build a fresh app (and model) in the master; keep the old one if that fails."""
        super().reload()
        if self.callable is None:
            return
        try:
            fresh = self._factory()
        except (ModelError, SettingsError) as error:
            _log.error("reload refused, the loaded model stays: %s", error)
            return
        self.callable = fresh
        # create_app froze what was loaded, the old app included; let the collector free it.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _log.info("reloaded the app and its model")


def application() -> Flask:
    """Entry point for running gunicorn directly: `gunicorn 'server.wsgi:application()'`."""
    from server import create_app

    return create_app()
