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

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

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
        return Refusal(403, "Sidan kräver inloggning med adressen som `samverkan webb` skrev ut i terminalen "
                            "(den innehåller en engångsnyckel).")
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
