"""Start ``samverkan webb``: a waitress server on 127.0.0.1, its address with the session's
key printed, and the default browser opened.

waitress is a pure-Python production server that runs the same on Windows, macOS and
Linux; it is given an already bound socket, so the port is known (and free) before the
address is printed.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from waitress.server import create_server

from pipeline.errors import DataError, Problem
from pipeline.web import security
from pipeline.web.app import create_app

HOST = "127.0.0.1"


def bind(port: int = 0) -> socket.socket:
    """Return a listening socket on 127.0.0.1 (``port`` 0: a free one)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "nt":  # Windows: SO_REUSEADDR would let another program take the port too
        listener.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE"), 1)  # noqa: B009 – Windows only
    else:  # a restart takes the port at once, while the last run's connections linger (TIME_WAIT)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
    except OSError as exc:
        listener.close()
        raise DataError(Problem(None, f"porten {port} kan inte användas ({exc.strerror or exc})",
                                hint="Välj en annan port med --port, eller utelämna --port för en ledig.")) from exc
    listener.listen(64)
    return listener


def make_server(data_root: Path, port: int = 0):
    """Return (server, session): a waitress server for the app, not yet running. On a fixed port the
    last run's session goes on (:func:`security.restored`), so an open browser keeps working."""
    listener = bind(port)
    session = security.restored(listener.getsockname()[1], data_root) if port else security.Session(
        port=listener.getsockname()[1])
    security.keep(session, data_root)
    app = create_app(data_root, session)
    server = create_server(app, sockets=[listener], threads=4, ident="samverkan")
    return server, session


def check_data_root(root: Path) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise DataError(Problem(root, "datamappen finns inte",
                                hint="Ange mappen med länens data, t.ex. samverkan webb agreements."))
    return root
