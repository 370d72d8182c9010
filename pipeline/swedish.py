"""Swedish in running text: dates ("13 februari 2023", Webbriktlinje 66), numbers in words,
counts with their nouns ("fyra bilagor"), lists ("a, b och c") and bilaga spans ("bilaga 1–3")."""

from __future__ import annotations

import datetime as dt

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]


def long_date(day: dt.date) -> str:
    """Return a date as written in Swedish running text: "13 februari 2023"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


NUMBERS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]


def number(n: int) -> str:
    """Return a small number in words ("fyra"), a larger one in digits."""
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def amount(value: float) -> str:
    """Return a measured value the Swedish way: "12,5", "1 200" (no trailing ",0")."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace(",", " ").replace(".", ",").replace(" ", "\u00a0")


MINUS = "\u2212"  # the minus sign: a hyphen is too short beside digits


def decimal(value: float, places: int = 1, signed: bool = False) -> str:
    """Return a figure with a fixed number of decimals the Swedish way: "810,2", "1 234,0";
    ``signed`` writes "+4" and "−3,5" (a true minus sign). Thousands are kept together by a
    no-break space, so a figure never breaks over two lines."""
    rounded = round(value, places)
    text = f"{abs(rounded):,.{places}f}".replace(",", "\u00a0").replace(".", ",")
    if rounded < 0:
        return MINUS + text
    return ("+" + text) if signed and rounded > 0 else text


def distance(old: dt.date, new: dt.date) -> str:
    """Return how far ``new`` is from ``old`` in words: "fyra år framåt", "sex månader bakåt",
    "10 dagar framåt" (whole years or months when the day of the month is kept)."""
    months = (new.year - old.year) * 12 + new.month - old.month
    same_day = new.day == old.day or (_last_day(old) and _last_day(new))
    direction = "framåt" if new >= old else "bakåt"
    if same_day and months:
        months = abs(months)
        if months % 12 == 0:
            return f"{number(months // 12)} år {direction}"
        return f"{number(months)} {'månad' if months == 1 else 'månader'} {direction}"
    days = abs((new - old).days)
    return f"{number(days)} {'dag' if days == 1 else 'dagar'} {direction}"


def _last_day(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


# Words that take "ett": "ett datum", "ett mål", "ett nytt mål".
NEUTER = {"datum", "mål", "nytt"}


def count(n: int, one: str, many: str) -> str:
    """Return "1 bilaga" / "4 bilagor" (words for small numbers: "en bilaga", "fyra bilagor", "ett nytt mål")."""
    if n == 1:
        return ("ett " if one.split()[0] in NEUTER else "en ") + one
    return f"{number(n) if n <= 12 else n} {many}"


def counted(n: int, adjective: str) -> str:
    """Return a count with an adjective that agrees with it: "1 klar", "8 klara", "2 ej påbörjade"
    (the plural of an adjective or participle ending in "-ad" takes "-e", any other "-a")."""
    if n == 1:
        return f"{n} {adjective}"
    return f"{n} {adjective}e" if adjective.endswith("ad") else f"{n} {adjective}a"


def joined(parts: list[str]) -> str:
    """Return "a, b och c"."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def bilagor_span(numbers: list[int]) -> str:
    """Return "bilaga 2", "bilaga 1–3" or "bilaga 1, 3 och 4"."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"bilaga {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"bilaga {numbers[0]}–{numbers[-1]}"
    return "bilaga " + joined([str(n) for n in numbers])


def sentence(text: str) -> str:
    """Return ``text`` with its first letter a capital and the rest as it was ("'O9' är …" keeps
    its ids and names; Jinja's ``capitalize`` would lower them)."""
    return text[:1].upper() + text[1:]
