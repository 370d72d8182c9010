"""Swedish messages for YAML that cannot be read: the encoding, syntax errors, and the layout
mistakes secretaries make (indentation one space off, a missing "- ", no space after a colon).

PyYAML reports such mistakes in English and often a few lines late. When parsing
fails, the lines around the error are read again to find the line where the layout
went wrong and say what to change there. None of this runs for a file that parses.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.data.yamllayout import layout_problem
from pipeline.errors import DataError, Problem


def syntax_problems(path: Path, text: str, exc: yaml.YAMLError) -> list[Problem]:
    """Return the problems to report for a file PyYAML could not parse."""
    # Tabs are allowed inside texts; only when parsing fails are they the likely cause.
    return _tab_problems(path, text) or [_yaml_problem(path, text, exc)]


# --- reading text ------------------------------------------------------------

def decode(path: Path, raw: bytes) -> str:
    """Return the file's text; accept a UTF-8 BOM, refuse anything but UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if _utf16(raw):
        raise DataError(Problem(path, "filen är sparad som UTF-16 (\"Unicode\" i Anteckningar), inte UTF-8", 1, 1,
                                hint="Spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → "
                                     "Kodning: UTF-8)."))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        bad = raw[exc.start : exc.start + 1]
        hint = "Spara filen med teckenkodningen UTF-8 (i Anteckningar: Spara som → Kodning: UTF-8)."
        try:
            guess = raw[max(0, exc.start - 10) : exc.start + 10].decode("cp1252")
            hint = (f"Filen verkar vara sparad som Windows-1252/ANSI (\"…{guess.strip()}…\"). " + hint)
        except UnicodeDecodeError:
            pass
        raise DataError(Problem(path, f"filen är inte UTF-8 (byte 0x{bad.hex()} kan inte läsas)",
                                line, column, hint=hint)) from exc


def _utf16(raw: bytes) -> bool:
    """``True`` when ``raw`` looks like UTF-16: a UTF-16 byte-order mark, or a zero byte beside
    most ASCII characters."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = raw[:400]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 3


def _tab_problems(path: Path, text: str) -> list[Problem]:
    """Return a problem for every line indented with a tab (YAML forbids tabs there)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(Problem(
                path, "raden är indragen med tabbtecken, som YAML inte tillåter",
                number, indent.index("\t") + 1,
                hint="Använd mellanslag för indrag (t.ex. två per nivå)."))
    return problems


_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

_YAML_MESSAGES = [
    ("maximum nesting depth", "värdena är för djupt nästlade",
     "Kontrollera indragen; en överenskommelse har bara några nivåer."),
    ("while parsing a flow", "en lista [ ] eller mappning { } är inte stängd eller saknar kommatecken",
     "Kontrollera hakparenteser och klammerparenteser och kommatecknen mellan värdena."),
    ("found incompatible YAML document", "filen har en %YAML-rad som inte stöds",
     "Ta bort raden som börjar med %YAML."),
    ("while scanning a block scalar", "ett textblock (| eller >) är felaktigt",
     "Efter | eller > ska texten börja på nästa rad, indragen."),
    ("found a tab character", "ett tabbtecken där YAML kräver mellanslag",
     "Använd mellanslag för indrag."),
    ("mapping values are not allowed", "ett kolon på fel ställe",
     "Ett värde som innehåller ': ' måste stå inom citattecken."),
    ("could not find expected ':'", "förväntade ett kolon efter nyckeln",
     "Varje rad i en mappning skrivs 'nyckel: värde'."),
    ("did not find expected key", "indraget stämmer inte med raderna ovanför",
     "Kontrollera att nycklar på samma nivå har samma indrag."),
    ("did not find expected '-' indicator", "indraget stämmer inte i listan",
     "Alla punkter i en lista börjar med '-' på samma indrag."),
    ("expected <block end>", "indraget stämmer inte med raderna ovanför",
     "Kontrollera att nycklar på samma nivå har samma indrag."),
    ("found unexpected end of stream", "ett citattecken avslutas aldrig",
     "Kontrollera att varje citattecken har ett avslutande tecken."),
    ("found undefined alias", "alias (*namn) som inte är definierat", None),
    ("found character that cannot start any token", "ett tecken som inte kan inleda ett värde",
     "Sätt värdet inom citattecken om det börjar med t.ex. @, ` eller %."),
    ("expected a single document", "filen innehåller mer än ett YAML-dokument (---)",
     "En fil ska innehålla ett enda dokument; ta bort den extra '---'-raden."),
    ("found unknown escape character", "okänd escape-sekvens inom dubbla citattecken",
     "Använd enkla citattecken, eller skriv \\\\ för ett bakstreck."),
]


def _yaml_problem(path: Path, text: str, exc: yaml.YAMLError) -> Problem:
    """Return a Swedish problem for a PyYAML syntax error, keeping its position."""
    if isinstance(exc, yaml.reader.ReaderError):
        # The C reader counts bytes, not characters: find the character ourselves.
        found = _NON_PRINTABLE.search(text)
        position = found.start() if found else exc.position
        before = text[:position]
        code = ord(found.group()) if found else _code(exc.character)
        return Problem(path, f"filen innehåller det otillåtna styrtecknet U+{code:04X}",
                       before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1,
                       hint="Ta bort tecknet (ofta inklistrat från ett annat program).")
    layout = layout_problem(path, text, exc)
    if layout:
        return layout
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", ""))
    if ("end of stream" in problem or "expected ':'" in problem) and getattr(exc, "context_mark", None):
        mark = exc.context_mark  # where the unclosed quote or bracket opens, or the key without ':'
    detail = " ".join(filter(None, [getattr(exc, "context", None), getattr(exc, "problem", None)]))
    message, hint = f"YAML-syntaxfel (teknisk beskrivning: {detail or exc})", None
    for english, swedish, swedish_hint in _YAML_MESSAGES:
        if english in (detail or str(exc)):
            message, hint = f"YAML-syntaxfel: {swedish}", swedish_hint
            break
    return Problem(path, message, mark.line + 1 if mark else None,
                   mark.column + 1 if mark else None, hint=hint)


def _code(character) -> int:
    return character if isinstance(character, int) else ord(character)
