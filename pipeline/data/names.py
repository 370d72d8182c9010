"""What a text must be to become a file or folder name, or a text in a YAML file – one place.

A name typed by a person (a version, a plan's file, a plan's title made into a file name)
must be a name every platform can hold: no control characters, none of the characters
Windows forbids, not a device name Windows reserves (``CON``, ``nul``, ``com1``,
``lpt9.txt`` – with or without an extension, in any case), no trailing dot or space
(Windows drops them, so two names would become one), and not too long.

A text written into a YAML file (a plan's title, a form's value) must hold no control
character: YAML cannot store most of them as they are, and Word none. Line breaks and
tabs are allowed where the text may have several lines.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pipeline.data.load import format_path
from pipeline.errors import Problem, SchemaError

# Device names Windows reserves in every folder, also with an extension ("nul.txt").
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                            | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"})
WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')
MAX_NAME_BYTES = 255  # what the file systems in use hold for one name (NTFS counts 255 UTF-16 units)
NONCHARACTERS = frozenset("\ufffe\uffff")


def control_character(text: str, allowed: str = "") -> str | None:
    """Return the first control character in ``text`` (C0, DEL, C1, a lone surrogate, a
    line or paragraph separator, U+FFFE/U+FFFF) that is not in ``allowed``, or None."""
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in NONCHARACTERS:
            return char
    return None


def describe(char: str) -> str:
    """Return a character as "U+0000"."""
    return f"U+{ord(char):04X}"


def file_name_problem(name: str) -> str | None:
    """Return why ``name`` cannot be a file or folder name on every platform (a phrase that
    follows the name: "'CON' är ett namn som …"), or None when it can."""
    if name in ("", ".", ".."):
        return "är inget namn"
    bad = control_character(name)
    if bad is not None:
        return f"innehåller styrtecknet {describe(bad)}"
    forbidden = next((c for c in name if c in WINDOWS_FORBIDDEN), None)
    if forbidden is not None:
        return f"innehåller tecknet {forbidden}, som Windows inte tillåter i filnamn"
    if name[-1] in ". ":
        return "slutar med punkt eller mellanslag, som Windows tar bort"
    if windows_device(name):
        return ("är ett namn som Windows reserverar för en enhet (CON, PRN, AUX, NUL, COM1–COM9 och "
                "LPT1–LPT9, också med en filändelse)")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"är för långt (högst {MAX_NAME_BYTES} byte)"
    return None


def windows_device(name: str) -> bool:
    """``True`` when ``name`` names a device on Windows: "CON", "nul.txt", "Com1.tar.gz", "LPT9 .x"."""
    return name.split(".")[0].rstrip(" ").upper() in WINDOWS_DEVICES


def check_file_name(name: str, where: Path | None, what: str = "namnet", field: str | None = None,
                    hint: str = "Välj ett annat namn med bokstäver, siffror och bindestreck.") -> None:
    """Raise SchemaError unless ``name`` can be a file or folder name on every platform."""
    wrong = file_name_problem(name)
    if wrong is not None:
        raise SchemaError(Problem(where, f"{what} '{name}' {wrong}", field=field, hint=hint))


def text_problem(text: str, multiline: bool = False) -> str | None:
    """Return why ``text`` cannot be written as a text in a YAML file, or None when it can."""
    bad = control_character(text, "\n\t" if multiline else "")
    if bad is not None:
        return f"innehåller styrtecknet {describe(bad)}"
    return None


def check_text(text: str, where: Path | None, field: str | None = None, multiline: bool = False) -> None:
    """Raise SchemaError unless ``text`` can be written as a text in a YAML file."""
    wrong = text_problem(text, multiline)
    if wrong is not None:
        raise SchemaError(Problem(where, f"texten {wrong}", field=field,
                                  hint="Ta bort tecknet (ofta inklistrat från ett annat program) och försök igen."))


def text_problems(data, where: Path | None, path: tuple = ()) -> list[Problem]:
    """Return a problem for every text in ``data`` (mappings, lists, texts) that cannot be
    written into a YAML file; fields are named as the validator names them ("mål[2]")."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and text_problem(key):
                problems.append(Problem(where, f"nyckeln {text_problem(key)}", field=_field(path)))
            problems += text_problems(value, where, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems += text_problems(value, where, path + (index,))
    elif isinstance(data, str):
        wrong = text_problem(data, multiline=True)
        if wrong:
            problems.append(Problem(where, f"texten {wrong}", field=_field(path),
                                    hint="Ta bort tecknet (ofta inklistrat från ett annat program) och spara "
                                         "igen."))
    return problems


def _field(path: tuple) -> str | None:
    return format_path(path) if path else None
