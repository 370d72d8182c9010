"""Kommuner by name and code, and whose figures a row of a downloaded file holds.

The sources name a kommun differently: Brå "Orsa kommun" (and, in 2021, "Älvdalens kommun" or
"Malung–Sälen" with a dash), Kolada by its code "2034" (the county as "0020", the country as
"0000"), Polisen "Orsa", a survey as it likes. :func:`area_of` says whether a name or code is
the kommun's own, its county's, the country's or another kommun's, so an importer keeps the
kommun's figures and the comparisons beside them and refuses another kommun's file.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.layout import nfc

# Dalarnas län (county code 20): kommunkod → name, as SCB and Kolada write them.
DALARNA = {
    "2021": "Vansbro", "2023": "Malung-Sälen", "2026": "Gagnef", "2029": "Leksand", "2031": "Rättvik",
    "2034": "Orsa", "2039": "Älvdalen", "2061": "Smedjebacken", "2062": "Mora", "2080": "Falun",
    "2081": "Borlänge", "2082": "Säter", "2083": "Hedemora", "2084": "Avesta", "2085": "Ludvika",
}
COUNTIES = {"20": "Dalarnas län"}
COUNTRY_NAMES = ("hela landet", "riket", "sverige", "samtliga kommuner", "hela riket")
COUNTRY_CODE = "0000"  # Kolada's code for the whole country
_DASHES = re.compile("[\u2010-\u2015\u2212]")


def folded(text: str) -> str:
    """Return a name reduced for comparison: NFC, one kind of dash, single spaces, case folded."""
    return " ".join(_DASHES.sub("-", nfc(str(text))).split()).casefold()


def slug(text: str, limit: int = 60) -> str:
    """Return ``text`` as a series id part: lower case a–z, 0–9 and dashes ("Stöld, rån" → "stold-ran")."""
    ascii_text = unicodedata.normalize("NFKD", folded(text)).encode("ascii", "ignore").decode()
    whole = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(whole) <= limit:
        return whole
    cut = whole[: limit + 1]
    return (cut[: cut.rfind("-")] if "-" in cut else cut[:limit]).strip("-")  # whole words


def bare(name: str) -> str:
    """Return a name without " kommun", folded ("Orsa kommun" → "orsa"; a genitive such as
    "Älvdalens kommun" is left to :func:`same_kommun`)."""
    text = folded(name)
    if text.endswith(" kommun"):
        text = text[: -len(" kommun")].strip()
    return text


def same_kommun(written: str, name: str) -> bool:
    """``True`` when ``written`` names the kommun ``name`` ("Orsa", "Orsa kommun", "Orsas kommun")."""
    text, own = bare(written), folded(name)
    return text == own or (folded(written).endswith(" kommun") and text == own + "s")


def code_of(name: str) -> str:
    """Return the kommunkod of a Dalarna kommun named ``name`` (or of its folder's name), or ""."""
    for code, known in DALARNA.items():
        if same_kommun(name, known) or slug(name) == slug(known):
            return code
    return ""


def name_of(code: str) -> str:
    """Return the name of the Dalarna kommun with ``code``, or ""."""
    return DALARNA.get(code, "")


def county_of(code: str) -> str:
    """Return the name of the county of the kommun with ``code`` ("2034" → "Dalarnas län"), or ""."""
    return COUNTIES.get(code[:2], "") if len(code) == 4 else ""


def area_of(written: str, name: str, code: str = "") -> str | None:
    """Return "kommun" when ``written`` names the kommun ``name``, "län" for its county (any county
    when the kommun's code is not known), "riket" for the country, or None for anything else."""
    text = folded(written)
    if same_kommun(written, name):
        return "kommun"
    if text in COUNTRY_NAMES:
        return "riket"
    county = county_of(code)
    if county:
        return "län" if text in (folded(county), "region " + folded(county).removesuffix("s län")) else None
    return "län" if text.endswith(" län") or text.startswith("region ") else None


def area_of_code(written: str, own: str) -> str | None:
    """Return the area of a Kolada code: "kommun" for ``own``, "riket" for 0000, "län" for the
    kommun's region (00 and the county code: "0020"), None for anything else."""
    if written == own:
        return "kommun"
    if written == COUNTRY_CODE:
        return "riket"
    if len(own) == 4 and written == "00" + own[:2]:
        return "län"
    return None
