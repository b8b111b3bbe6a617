"""Read a request body within a deadline, so a slow or short body cannot hold a thread.

gunicorn has no body timeout of its own: a client that trickles its body, or
sends less than its Content-Length, would hold a worker thread until gunicorn
kills the worker. Here each read waits at most `RECV_TIMEOUT_SECONDS` and the
whole body must arrive within `BODY_DEADLINE_SECONDS`; otherwise the answer is a
408 problem.
"""

from __future__ import annotations

import socket
import time

from flask import request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import ClientDisconnected

from server.problems import Problem

RECV_TIMEOUT_SECONDS = 5.0  # a client silent this long between two packets has gone
BODY_DEADLINE_SECONDS = 15.0  # 5 MB take under 2 s on a slow mobile uplink (25 Mbit/s)
CHUNK_BYTES = 64 * 1024


def _too_slow() -> Problem:
    return Problem(
        408,
        "body-too-slow",
        "Request body too slow",
        f"The request body did not arrive within {BODY_DEADLINE_SECONDS:g} seconds.",
    )


def read_body() -> bytes:
    """Return the whole request body (capped by MAX_CONTENT_LENGTH: 413), or raise a 408 problem."""
    connection = request.environ.get("gunicorn.socket")
    previous = connection.gettimeout() if isinstance(connection, socket.socket) else None
    if isinstance(connection, socket.socket):
        connection.settimeout(RECV_TIMEOUT_SECONDS)
    deadline = time.monotonic() + BODY_DEADLINE_SECONDS
    chunks = []
    try:
        stream = request.stream
        while chunk := stream.read(CHUNK_BYTES):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise _too_slow()
    except ClientDisconnected as error:  # werkzeug's word for a read that failed
        if isinstance(error.__context__, TimeoutError):
            raise _too_slow() from None
        raise
    except OSError:  # a read timed out (TimeoutError) or the connection broke
        raise _too_slow() from None
    except ParseException as error:  # gunicorn decodes a chunked body as it is read
        raise Problem(400, "malformed-body", "Malformed request body", str(error) or "Bad chunk.") from None
    finally:
        if isinstance(connection, socket.socket):
            connection.settimeout(previous)
    return b"".join(chunks)
