"""Swedish for click's own texts (usage line, option help, usage errors).

click looks its texts up with ``gettext``, and there is no Swedish catalogue, so
without this the help and usage errors would be half English. We point the
``_``/``ngettext`` names of click's modules at this table; texts not in it stay
as click wrote them.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

TEXTS = {
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "No such command {name!r}.": "Kommandot {name!r} finns inte.",
    "No such option {name!r}.": "Flaggan {name!r} finns inte.",
    "Missing argument": "Argument saknas",
    "Missing option": "Flagga saknas",
    "Missing parameter": "Parameter saknas",
    "Missing command.": "Kommando saknas.",
    "Missing {param_type}": "{param_type} saknas",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Aborted!": "Avbrutet.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} är skrivskyddad.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan inte läsas.",
    "{value!r} is not one of {choices}.": "{value!r} är inte ett av {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt {number_type}.",
    "{value} is not in the range {range}.": "{value} ligger utanför intervallet {range}.",
    "default: {default}": "standard: {default}",
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "integer": "heltal",
    "required": "krävs",
}

PLURALS = {
    "Got unexpected extra argument ({args})": ("Oväntat extra argument ({args})",
                                               "Oväntade extra argument ({args})"),
    "Option {name!r} requires an argument.": ("Flaggan {name!r} kräver ett värde.",
                                              "Flaggan {name!r} kräver {nargs} värden."),
    "{value!r} is not {choice}.": ("{value!r} är inte {choice}.", "{value!r} är inte något av {choices}."),
    "Did you mean {possibility}?": ("Menade du {possibility}?", "(Menade du någon av: {possibilities}?)"),
    "Missing argument {param_hint}.": ("Argumentet {param_hint} saknas.", "Argumenten {param_hint} saknas."),
}


def _gettext(message: str) -> str:
    return TEXTS.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def install() -> None:
    """Make click speak Swedish in this process."""
    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        # setattr: click imports these names from gettext without exporting them, so mypy knows no such attributes.
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010
