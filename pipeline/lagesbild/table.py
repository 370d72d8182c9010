"""The use case *visa* (``samverkan lagesbild visa``): a kommun's stored series as plain-text tables.

One table per source, a row per series (the one retrieved last where two imports have it),
a column per year or month. A preliminary figure has a star; where the source gives no figure
its mark is shown (".." or "–"). Below each table, where the figures come from.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.lagesbild import store
from pipeline.lagesbild.series import SOURCE_NAMES, SOURCES, Series, Source
from pipeline.layout import LAGESBILD_FOLDER

MISSING = "–"
NAME_WIDTH = 36


def kommun_text(kommun_dir: Path) -> str:
    """Return the kommun's stored lägesbild series as text tables (or a line saying there are none)."""
    kommun_dir = store.check_kommun_dir(kommun_dir)
    imports = store.load_kommun(kommun_dir)
    if not imports:
        return f"Ingen lägesbild är importerad i {kommun_dir} ({LAGESBILD_FOLDER}/ saknas eller är tom)."
    rows = store.current(imports)
    parts = [f"Lägesbild för {imports[-1].source.kommun}: {len(rows)} serier ur {len(imports)} importer"]
    for source in SOURCES:
        chosen = [(s, src) for s, src in rows if src.source == source]
        if chosen:
            parts.append(_table(source, chosen))
    parts.append("* preliminär uppgift. " + MISSING + " eller källans märke (..): uppgiften saknas.")
    return "\n\n".join(parts) + "\n"


def _table(source: str, rows: list[tuple[Series, Source]]) -> str:
    periods = sorted({v.period for series, _ in rows for v in series.values})
    header = ["Id", "Namn", "Enhet", "Område"] + periods
    body = [[series.id, _name(series), series.unit, series.area] + [_cell(series, p) for p in periods]
            for series, _ in rows]
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]
    lines = [SOURCE_NAMES[source]]
    for line in [header] + body:
        cells = [c.ljust(w) for c, w in zip(line[:4], widths[:4], strict=True)]
        cells += [c.rjust(w) for c, w in zip(line[4:], widths[4:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    sources = {id(src): src for _, src in rows}.values()  # an import's source once, however many series
    for src in sorted(sources, key=lambda s: (s.retrieved, s.file)):
        lines.append(f"Källa: {LAGESBILD_FOLDER}/{store.file_name(src)} – {src.description or SOURCE_NAMES[source]} "
                     f"(filen {src.file}, hämtad {src.retrieved.isoformat()})")
    return "\n".join(lines)


def _name(series: Series) -> str:
    text = series.name
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"


def _cell(series: Series, period: str) -> str:
    value = series.by_period().get(period)
    if value is None:
        return ""
    text = _number(value.value) if value.value is not None else (value.note or MISSING)
    return text + ("*" if value.preliminary else "")


def _number(value: float) -> str:
    """Return a number as Swedish writes it: spaces between thousands, a decimal comma."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",")
