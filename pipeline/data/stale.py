"""Old text in a new draft: what ``ny`` carries over from the predecessor and must not keep.

``ny`` copies the predecessor's data, so a new draft starts with the old version's texts and
diarienummer. In a draft (never in a decided version, which is never changed) these are
warnings, which ``validate --strikt`` and ``beslut --strikt`` make errors:

1. **Old dates.** A sentence carried over word for word from the predecessor (it stands, with
   the same words, in the predecessor's agreement or plans) that names a time – a date, a
   month, a year, a school year or a range of years – lying in the predecessor's validity
   period and not in the new one. The predecessor's period runs from its ``giltighetstid.från``
   to its ``giltighetstid.till``, or, when that is "tills vidare", to the day before the new
   version starts. A sentence written anew in the draft is not judged: what it says of the old
   period (a history, last year's lägesbild) was written on purpose. Neither is a time before
   the old period, which is history, nor one in the new period.
2. **Validity stated twice.** A sentence that speaks of the agreement ("överenskommelsen",
   "avtalet") and restates its validity – "gäller från (och med) …", "gäller till och med …",
   "gäller … tills vidare" – with another time than ``giltighetstid``. The validity is stated
   once, in ``giltighetstid``, and the documents print it from there. This holds for every draft,
   also a kommun's first.
3. **The old diarienummer.** A ``diarienummer`` equal to the predecessor's (or to the one its
   decision was registered under): a new version is a new case with a number of its own, which
   the documents print in their headers and on the memo.
4. **The old start.** A ``giltighetstid.från`` on or before the predecessor's: the new
   version's validity has not been set (``ny`` without ``--flytta-datum``), and until it is, the
   old dates of rule 1 cannot be told from the new.

Only the version's own files are read (the county's shared text is not carried over by ``ny``),
and the ``exempel`` note, which names its sources with their dates, is left out.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from pipeline.data.load import Loaded, load_yaml
from pipeline.data.rules import UNTIL_FURTHER_NOTICE, name_problem
from pipeline.data.version import Version, plan_files
from pipeline.errors import PipelineError, Problem
from pipeline.layout import AGREEMENT_FILE, SEAL_FILE
from pipeline.swedish import MONTHS, long_date

# Fields that are no running text: names, numbers, links; and the example note with its sources.
_NOT_TEXT = {"exempel", "version", "status", "föregående_version", "diarienummer"}

_MONTH = "|".join(MONTHS)
_YEAR = r"(?:19|20)[0-9]{2}"
# Not a year: part of a word or number, a case number (KS 2023/0042, KS-2021-156), a statute
# (SFS 2010:800, lag 2023:196), a paragraph (§ 2023).
_BEFORE_YEAR = r"(?<![\w/:.,§-])(?<!§ )"
_AFTER_YEAR = r"(?![\w]|[/:.,-][0-9])"
TIME = re.compile(
    rf"(?P<iso>\b(?P<iso_y>{_YEAR})-(?P<iso_m>[0-9]{{2}})-(?P<iso_d>[0-9]{{2}})\b)"
    rf"|(?P<dmy>\b(?P<dmy_d>[0-9]{{1,2}})(?::[ae])?\s+(?P<dmy_m>{_MONTH})\s+(?P<dmy_y>{_YEAR})\b)"
    rf"|(?P<my>\b(?P<my_m>{_MONTH})\s+(?P<my_y>{_YEAR})\b)"
    rf"|(?P<school>{_BEFORE_YEAR}(?P<school_y>{_YEAR})/(?P<school_next>[0-9]{{2}})(?![\w/]))"
    rf"|(?P<range>{_BEFORE_YEAR}(?P<range_a>{_YEAR})\s*[-–]\s*(?P<range_b>{_YEAR}){_AFTER_YEAR})"
    rf"|(?P<year>{_BEFORE_YEAR}(?P<year_y>{_YEAR}){_AFTER_YEAR})",
    re.IGNORECASE)
# A sentence ends at . ! or ? before a capital letter or a digit, or at a paragraph break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-ZÅÄÖ0-9])|\n\s*\n")
# A sentence that speaks of the agreement's validity: the agreement, then "gäller"/"gälla"/"giltig".
_VALIDITY = re.compile(r"\b(?:överenskommelse|samverkansöverenskommelse|avtal)\w*\b[^.;!?]{0,80}?"
                       r"\b(?:gäller|gälla|giltig\w*)\b", re.IGNORECASE)
_FROM = re.compile(r"\s*(?:från\s+och\s+med|fr\.\s?o\.\s?m\.?|från|)\s*(?:den\s+)?", re.IGNORECASE)
_TO = re.compile(r"\b(?:till\s+och\s+med|t\.\s?o\.\s?m\.?|fram\s+till|till)\s+(?:den\s+)?", re.IGNORECASE)
_FURTHER = re.compile(r"\btills\s+vidare\b", re.IGNORECASE)
_RESTATEMENT_REACH = 120  # characters after "gäller" where the restated times are looked for


@dataclass(frozen=True)
class Mention:
    """A time named in running text: what is written, where, and the days it covers (the first
    and the last unit of a range)."""

    text: str
    start: int
    end: int
    first: tuple[dt.date, dt.date]  # the first unit: a day, a month, a year
    last: tuple[dt.date, dt.date]  # the last unit (the same as the first unless a range)

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        return self.first[0], self.last[1]


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), following - dt.timedelta(days=1)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _mention(match: re.Match) -> Mention | None:
    """Return the time a match of :data:`TIME` names, or None when it names none (2023-02-30,
    2023/25)."""
    g = match.group
    try:
        if g("iso"):
            day = dt.date(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
            first = last = (day, day)
        elif g("dmy"):
            day = dt.date(int(g("dmy_y")), MONTHS.index(g("dmy_m").lower()) + 1, int(g("dmy_d")))
            first = last = (day, day)
        elif g("my"):
            first = last = _month(int(g("my_y")), MONTHS.index(g("my_m").lower()) + 1)
        elif g("school"):
            year = int(g("school_y"))
            if int(g("school_next")) != (year + 1) % 100:
                return None
            first = last = (dt.date(year, 8, 1), dt.date(year + 1, 6, 30))  # läsåret 2023/24
        elif g("range"):
            a, b = int(g("range_a")), int(g("range_b"))
            if b < a:
                return None
            first, last = _year(a), _year(b)
        else:
            first = last = _year(int(g("year_y")))
    except ValueError:
        return None
    return Mention(match.group(), match.start(), match.end(), first, last)


def mentions(text: str) -> list[Mention]:
    """Return every time named in ``text``, in order."""
    return [m for m in map(_mention, TIME.finditer(text)) if m is not None]


def sentences(text: str) -> list[str]:
    """Return the sentences of a text, each with its white space collapsed (so a text re-wrapped
    in the file is still the same text)."""
    return [" ".join(sentence.split()) for _, sentence in _sentences_at(text)]


def _sentences_at(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, sentence as written) for every sentence of a text."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if text[start:end.start()].strip():
            yield start, text[start:end.start()]
        start = end.end()
    if text[start:].strip():
        yield start, text[start:]


def _overlaps(span: tuple[dt.date, dt.date], period: tuple[dt.date, dt.date]) -> bool:
    return span[0] <= period[1] and period[0] <= span[1]


def _within(day: dt.date, span: tuple[dt.date, dt.date]) -> bool:
    return span[0] <= day <= span[1]


def is_draft(version: Version) -> bool:
    """``True`` for a draft: not decided and never sealed."""
    return version.data.get("status") == "utkast" and not (version.folder / SEAL_FILE).exists()


# --- the predecessor -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Predecessor:
    """What the rules need of the version before: its name, validity, diarienummer and sentences."""

    name: str
    start: dt.date | None
    end: dt.date | str | None
    case_numbers: tuple[str, ...]
    sentences: frozenset[str]


def predecessor(version: Version) -> Predecessor | None:
    """Return the version's predecessor as the rules read it, or None when there is none or it
    cannot be read (which the predecessor's own validation reports)."""
    name = version.data.get("föregående_version")
    if not isinstance(name, str) or name_problem(name):
        return None
    folder = version.ref.sibling(name).folder
    root = version.ref.root
    try:
        agreement = load_yaml(folder / AGREEMENT_FILE, root=root)
        plans = [load_yaml(path, root=root) for path in plan_files(folder)]
    except (PipelineError, OSError):
        return None
    data = agreement.data if isinstance(agreement.data, dict) else {}
    validity: dict = data["giltighetstid"] if isinstance(data.get("giltighetstid"), dict) else {}
    decision: dict = data["beslut"] if isinstance(data.get("beslut"), dict) else {}
    numbers = tuple(_case_number(n) for n in (data.get("diarienummer"), decision.get("diarienummer"))
                    if isinstance(n, str) and n.strip())
    found = set()
    for loaded in [agreement, *plans]:
        for _, text in own_texts(loaded):
            found.update(sentences(text))
    start, end = validity.get("från"), validity.get("till")
    return Predecessor(name, start if isinstance(start, dt.date) else None,
                       end if isinstance(end, (dt.date, str)) else None, numbers, frozenset(found))


def _case_number(text: str) -> str:
    return " ".join(text.split()).casefold()


def own_texts(loaded: Loaded) -> Iterator[tuple[tuple, str]]:
    """Yield (field path, text) for every running text written in the file ``loaded`` was read
    from (not the county's shared text merged in), without the fields that are no running text."""
    own = loaded.file

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                yield from walk(child, path + (key,))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                yield from walk(child, path + (index,))
        elif isinstance(value, str):
            source = loaded.source(path)
            if source is None or source.file == own:
                yield path, value

    if isinstance(loaded.data, dict):
        for key, value in loaded.data.items():
            if key not in _NOT_TEXT:
                yield from walk(value, (key,))


# --- the rules --------------------------------------------------------------------------------------

def check(version: Version, plans: list, broken: AbstractSet[str] = frozenset()) -> list[Problem]:
    """Return the warnings about old text in a draft (nothing for a decided version). ``plans``
    are the plans that passed their schema; ``broken`` the agreement's top-level fields that did
    not (a rule reading one of them is skipped)."""
    if broken & {"status", "giltighetstid"} or not is_draft(version):
        return []
    validity = version.data.get("giltighetstid") or {}
    start, end = validity.get("från"), validity.get("till")
    if not isinstance(start, dt.date):
        return []
    new_period = (start, end if isinstance(end, dt.date) else dt.date.max)
    previous = predecessor(version) if "föregående_version" not in broken else None
    old_period = None
    warnings = []
    if previous is not None:
        if "diarienummer" not in broken:
            warnings += _same_case_number(version, previous)
        if previous.start is not None and start <= previous.start:
            warnings.append(version.agreement.problem(
                ("giltighetstid", "från"),
                f"giltighetstiden börjar {long_date(start)}, inte efter den föregående versionens "
                f"(version {previous.name}) start {long_date(previous.start)}",
                hint="Skriv den nya versionens startdag. samverkan ny --flytta-datum ÅÅÅÅ-MM-DD flyttar alla "
                     "datum dit när versionen skapas."))
        elif previous.start is not None:
            last = previous.end if isinstance(previous.end, dt.date) else start - dt.timedelta(days=1)
            old_period = (previous.start, min(last, start - dt.timedelta(days=1)))
    for loaded in [version.agreement] + [plan.loaded for plan in plans]:
        for path, text in own_texts(loaded):
            restated, covered = _restated_validity(text, start, end)
            if restated:
                warnings.append(loaded.problem(path, restated, hint=(
                    "Giltighetstiden står en gång, i fältet giltighetstid, och skrivs ut i överenskommelsen "
                    "därifrån. Ta bort tiden ur texten eller skriv samma som i giltighetstid.")))
            if old_period is not None and previous is not None:
                message = _old_times(text, old_period, new_period, previous, covered)
                if message:
                    warnings.append(loaded.problem(path, message, hint=(
                        "Uppdatera texten för den nya giltighetstiden. Ska uppgiften stå kvar som historik, "
                        "skriv om meningen i den nya versionen; en omskriven mening varnas det inte för.")))
    return warnings


def _same_case_number(version: Version, previous: Predecessor) -> list[Problem]:
    number = version.data.get("diarienummer")
    if not isinstance(number, str) or _case_number(number) not in previous.case_numbers:
        return []
    return [version.agreement.problem(
        ("diarienummer",), f"diarienumret {' '.join(number.split())} är den föregående versionens "
                           f"(version {previous.name})",
        hint="En ny version är ett nytt ärende med ett eget diarienummer, som står i dokumentens sidhuvud och i "
             "tjänsteskrivelsen. Skriv det nya ärendets nummer här när det finns.")]


def _validity_text(start: dt.date, end) -> str:
    return f"från {long_date(start)}, " + (f"till och med {long_date(end)}" if isinstance(end, dt.date)
                                         else UNTIL_FURTHER_NOTICE)


def _restated_validity(text: str, start: dt.date, end) -> tuple[str | None, list[tuple[int, int]]]:
    """Return the warning for a text that restates the agreement's validity with another time
    than giltighetstid (None when it does not), and the places of every restated time."""
    wrong, covered = [], []
    for offset, sentence in _sentences_at(text):
        for verb in _VALIDITY.finditer(sentence):
            reach = verb.end() + _RESTATEMENT_REACH
            opening = _FROM.match(sentence, verb.end())
            found = TIME.match(sentence, opening.end()) if opening else None
            mention = _mention(found) if found else None
            if mention is not None:
                covered.append((offset + mention.start, offset + mention.end))
                if not _within(start, mention.first):
                    wrong.append(sentence[verb.start():mention.end])
            for closing in _TO.finditer(sentence, verb.end(), reach):
                found = TIME.match(sentence, closing.end())
                mention = _mention(found) if found else None
                if mention is None:
                    continue
                covered.append((offset + mention.start, offset + mention.end))
                if not (isinstance(end, dt.date) and _within(end, mention.last)):
                    wrong.append(sentence[verb.start():mention.end])
            further = _FURTHER.search(sentence, verb.end(), reach)
            if further and isinstance(end, dt.date):
                wrong.append(sentence[verb.start():further.end()])
    if not wrong:
        return None, covered
    quoted = "; ".join(f"\"{_short(w)}\"" for w in dict.fromkeys(wrong))
    return (f"texten anger överenskommelsens giltighet en gång till, med en annan tid än giltighetstiden "
            f"({_validity_text(start, end)}): {quoted}"), covered


def _old_times(text: str, old_period, new_period, previous: Predecessor,
               covered: list[tuple[int, int]]) -> str | None:
    """Return the warning for a text with carried-over sentences that name times of the old
    period only (None when it has none); times in ``covered`` were reported as a restated
    validity already."""
    old: list[Mention] = []
    quoted = None
    for offset, sentence in _sentences_at(text):
        if " ".join(sentence.split()) not in previous.sentences:
            continue
        found = [m for m in mentions(sentence)
                 if _overlaps(m.span, old_period) and not _overlaps(m.span, new_period)
                 and not any(a <= offset + m.start < b for a, b in covered)]
        if found and quoted is None:
            quoted = _excerpt(sentence, found[0])
        old += found
    if not old:
        return None
    names = list(dict.fromkeys(m.text for m in old))
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
    return (f"texten står kvar oförändrad från version {previous.name} och nämner {listed}, som ligger i den "
            f"versionens giltighetstid ({long_date(old_period[0])} – {long_date(old_period[1])}): \"{quoted}\"")


def _short(text: str, width: int = 90) -> str:
    return textwrap.shorten(text, width=width, placeholder=" …")


def _excerpt(sentence: str, mention: Mention, width: int = 90) -> str:
    """Return the sentence, or about ``width`` characters of it around ``mention``, cut between words."""
    text = " ".join(sentence.split())
    if len(text) <= width:
        return text
    at = max(text.find(mention.text), 0)
    start = max(0, min(at - (width - len(mention.text)) * 2 // 3, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        start = text.find(" ", start, at) + 1 or start
    if end < len(text):
        end = max(text.rfind(" ", at + len(mention.text), end + 1), at + len(mention.text))
    return ("… " if start > 0 else "") + text[start:end].strip() + (" …" if end < len(text) else "")

