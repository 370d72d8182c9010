"""The web app of ``samverkan webb``, made by an app factory (:func:`create_app`) as the Flask
tutorial lays it out: configuration, the checks every request passes (:mod:`pipeline.web.security`),
error pages in Swedish, template filters, and the pages' blueprint (:mod:`pipeline.web.pages`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, make_response, redirect, render_template, request
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

import pipeline.web.decision_pages  # noqa: F401 – registers the decision's pages on the blueprint
import pipeline.web.followup_pages  # noqa: F401 – registers the follow-up's pages on the blueprint
import pipeline.web.lagesbild_pages  # noqa: F401 – registers the lägesbild's page on the blueprint
from pipeline.errors import PipelineError
from pipeline.swedish import long_date, sentence
from pipeline.web import forms, pages, plain, security, workspace
from pipeline.web.workspace import NotFound, Workspace

HERE = Path(__file__).resolve().parent
MAX_BYTES = 4 * 1024 * 1024  # a submitted form; a real one is a few tens of kB
URLENCODED = "application/x-www-form-urlencoded"
STATIC_PATH = "/statiskt"


def create_app(data_root: Path, session: security.Session) -> Flask:
    """Return the web app over the data in ``data_root``; documents it writes (PDFs, the
    beslutspaket) go where the commands write them, under ``ut/`` in the working folder."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
                static_url_path=STATIC_PATH)
    app.secret_key = secrets.token_bytes(32)
    app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                      MAX_CONTENT_LENGTH=MAX_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BYTES,
                      MAX_FORM_PARTS=forms.MAX_FIELDS, DATAMAPP=str(Path(data_root).resolve()))
    app.extensions["samverkan"] = {"workspace": Workspace(data_root), "session": session}
    app.jinja_env.filters["stycken"] = paragraphs
    app.jinja_env.filters["datum"] = _date_text
    app.jinja_env.filters["mening"] = sentence
    app.jinja_env.filters["klartext"] = plain.line  # a problem as one line in plain Swedish
    app.jinja_env.filters["vid_faltet"] = plain.at_field  # a problem as its field shows it
    app.jinja_env.globals.update(input_name=forms.input_name, choices=forms.choices, csrf=lambda: session.csrf,
                                 etikett=plain.label_of_path, choice_pairs=forms.choice_pairs,
                                 serier_for=lambda fil: workspace.series_of_file(fil.path))
    app.jinja_env.filters["pair"] = lambda value: (value, value)
    _guard(app, session)
    _errors(app)
    app.register_blueprint(pages.bp)
    return app


def _guard(app: Flask, session: security.Session) -> None:
    @app.before_request
    def check_request():
        if request.method == "GET" and request.path.startswith(STATIC_PATH + "/"):
            return None  # the style sheet and scripts hold no data: an error page is styled too
        _refuse_large_form()
        csrf = request.headers.get(security.CSRF_HEADER) or request.form.get(security.CSRF_FIELD)
        refusal = security.check(session, request.method, request.host, request.cookies.get(security.COOKIE),
                                 request.args.get("token"), request.headers.get("Origin"),
                                 request.headers.get("Referer"), csrf)
        if refusal is not None:
            return make_response(render_template("fel.html", rubrik="Åtkomst nekad", meddelande=refusal.message,
                                                 problem=[]), refusal.status)
        if request.args.get("token") and request.method == "GET":
            # The address's key becomes a cookie; the address without it is what the browser keeps.
            target = request.path + _query_without_token()
            response = redirect(target, 303)
            response.set_cookie(security.COOKIE, session.token, httponly=True, samesite="Strict", path="/")
            return response
        return None

    @app.after_request
    def headers(response):
        response.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                                       "img-src 'self' data:; frame-ancestors 'none'; "
                                                       "form-action 'self'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response


def _refuse_large_form() -> None:
    """Raise FormTooLarge for a form with more fields than :data:`forms.MAX_FIELDS`, counted in the
    raw body before it is parsed (werkzeug counts the parts of a multipart form itself)."""
    if request.method in security.SAFE_METHODS or request.mimetype != URLENCODED:
        return
    body = request.get_data(cache=True, parse_form_data=False)  # kept for the form's parsing
    if body.count(b"&") >= forms.MAX_FIELDS:
        raise forms.too_large("fält")


def _query_without_token() -> str:
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    if not rest:
        return ""

    return "?" + urlencode(rest)


# Every answer that is not a page is a Swedish page: (heading, message) by HTTP status.
HTTP_PAGES = {
    400: ("Felaktig begäran", "Begäran kunde inte läsas. Ladda om sidan och försök igen."),
    403: ("Åtkomst nekad", "Sidan får inte visas."),
    404: ("Sidan finns inte", "Adressen finns inte."),
    405: ("Fel sorts begäran", "Adressen tar inte emot den sortens begäran. Använd knapparna och länkarna på "
                               "samverkans sidor."),
    413: ("För stort", f"Formuläret är för stort: högst {MAX_BYTES // (1024 * 1024)} MB och "
                       f"{forms.MAX_FIELDS} fält."),
    415: ("Fel sorts innehåll", "Begäran har ett innehåll som samverkan inte läser."),
    431: ("För stort", "Begärans huvud är för stort."),
}


def _errors(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(exc):
        return render_template("fel.html", rubrik="Sidan finns inte",
                               meddelande="Det finns ingen sådan län, kommun, version eller plan i datamappen.",
                               problem=[]), 404

    @app.errorhandler(PipelineError)
    def pipeline_error(exc):
        status = getattr(exc, "status", 400)
        heading = "För stort" if status == 413 else "Det gick inte"
        return render_template("fel.html", rubrik=heading, meddelande="", problem=exc.problems), status

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code is None or exc.code < 400:
            return exc  # a redirect raised as an exception goes on as it is
        heading, message = HTTP_PAGES.get(exc.code, ("Det gick inte", "Begäran kunde inte utföras."))
        response = make_response(render_template("fel.html", rubrik=heading, meddelande=message, problem=[]),
                                 exc.code)
        for key, value in exc.get_headers():  # e.g. Allow with 405
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc):
        # The last resort: the details go to the terminal that runs the app, never into the page.
        app.logger.error("Oväntat fel vid %s %s", request.method, request.path, exc_info=exc)
        return render_template("fel.html", rubrik="Ett oväntat fel",
                               meddelande="Något gick oväntat fel. Ladda om sidan för att se hur det blev och "
                                          "försök igen. Kommer felet tillbaka, kontakta den som sköter samverkan "
                                          "(detaljerna står i terminalen där samverkan webb körs).",
                               problem=[]), 500


def paragraphs(text) -> Markup:
    """Return a text with paragraphs (empty line between) as HTML paragraphs, escaped."""
    if text is None:
        return Markup("")
    blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()]
    # Every block is escaped before it is marked safe (bandit B704).
    return Markup("".join(f"<p>{escape(b)}</p>" for b in blocks))  # nosec B704


def _date_text(value) -> str:
    if isinstance(value, dt.date):
        return long_date(value)
    return "" if value is None else str(value)
