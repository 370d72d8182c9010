"""Who may use the local web app: the person who started it, from their own browser.

- The server listens on 127.0.0.1 only.
- Every request needs the session's secret token: the address the command prints
  carries it once (``?token=…``); the first request turns it into a cookie (HttpOnly,
  SameSite=Strict) and sends the browser on to the same address without it.
- The Host header must name this server (127.0.0.1 or localhost and its port), so a
  web page elsewhere cannot reach it through DNS rebinding.
- A request that changes something (POST) must come from this server's own pages: its
  Origin (or Referer) is this server, and it carries the session's CSRF token, from a
  hidden form field or the ``X-CSRF-Token`` header that htmx sends.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from pipeline import platform

COOKIE = "samverkan_token"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class Session:
    """The secrets of one run of ``samverkan webb``."""

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def hosts(self) -> set[str]:
        """Return the Host header values this server answers to."""
        return {f"{host}:{self.port}" for host in LOCAL_HOSTS}

    def origins(self) -> set[str]:
        return {f"http://{host}" for host in self.hosts()}

    def url(self, path: str = "/") -> str:
        """Return the address to open, with the token."""
        return f"http://127.0.0.1:{self.port}{path}?token={self.token}"


_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
SESSION_MAX_BYTES = 1024


def sessions_folder() -> Path:
    """Return the folder where sessions on a fixed port are kept (created private by :func:`keep`)."""
    configured = os.environ.get("SAMVERKAN_SESSION_DIR")
    return Path(configured) if configured else Path(platformdirs.user_state_dir("samverkan", appauthor=False))


def _session_file(port: int, data_root: Path) -> Path:
    root = hashlib.sha256(str(Path(data_root).resolve()).encode("utf-8")).hexdigest()[:16]
    return sessions_folder() / f"webb-{port}-{root}.json"


def restored(port: int, data_root: Path) -> Session:
    """Return the session of the last run on ``port`` over ``data_root`` when one was kept privately,
    so a browser that was open goes on after a restart (its key and its unsaved form still hold);
    else a new session. Only a fixed port keeps its session: a free port differs each run."""
    if port:
        path = _session_file(port, data_root)
        try:
            info = os.lstat(path)
            if os.path.isfile(path) and not os.path.islink(path) and info.st_size <= SESSION_MAX_BYTES:
                kept = json.loads(path.read_text(encoding="utf-8"))
                if (isinstance(kept, dict) and _TOKEN.fullmatch(str(kept.get("token", "")))
                        and _TOKEN.fullmatch(str(kept.get("csrf", "")))):
                    return Session(port=port, token=kept["token"], csrf=kept["csrf"])
        except (OSError, ValueError):
            pass  # unreadable or damaged: a new session
    return Session(port=port)


def keep(session: Session, data_root: Path) -> None:
    """Keep a fixed port's session in a private file for the next run (nothing when it cannot be private)."""
    folder = sessions_folder()
    if not session.port or not platform.make_private_folder(folder):
        return
    path = _session_file(session.port, data_root)
    try:
        if os.path.lexists(path):
            os.unlink(path)  # our own file: written again below, never through a link
    except OSError:
        return
    platform.write_private_file(path, json.dumps({"token": session.token, "csrf": session.csrf}).encode("utf-8"))


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the HTTP status and a Swedish explanation."""

    status: int
    message: str


def check(session: Session, method: str, host: str | None, cookie: str | None, query_token: str | None,
          origin: str | None, referer: str | None, csrf: str | None) -> Refusal | None:
    """Return why a request must be refused, or None when it may go on."""
    if host not in session.hosts():
        return Refusal(400, "Okänd värd i adressen. Öppna samverkan med adressen som kommandot skrev ut.")
    if not (_equal(cookie, session.token) or _equal(query_token, session.token)):
        return Refusal(403, "Sidan kräver nyckeln i adressen som visades när samverkan startades (den står i "
                            "fönstret där samverkan körs, och har en engångsnyckel). Har samverkan startats om på "
                            "en annan port, öppna den nya adressen. Det du skrev men inte sparade finns kvar i "
                            "webbläsarens förra sida: gå tillbaka, kopiera texten och klistra in den igen.")
    if method in SAFE_METHODS:
        return None
    source = origin or _origin_of(referer)
    if source not in session.origins():
        return Refusal(403, "Ändringar tas bara emot från samverkans egna sidor.")
    if not _equal(csrf, session.csrf):
        return Refusal(403, "Formuläret saknar sin säkerhetsnyckel eller är för gammalt. Ladda om sidan och "
                            "försök igen.")
    return None


def _equal(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _origin_of(referer: str | None) -> str | None:
    if not referer:
        return None
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
