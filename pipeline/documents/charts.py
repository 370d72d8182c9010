"""matplotlib for the documents' charts: imported once and only when a chart is drawn, with settings
that give the same PNG bytes for the same data (no creation time, no program name, fixed fonts,
DPI and hash salt).

The follow-up report (:mod:`pipeline.followup.charts`) and the lägesbild
(:mod:`pipeline.lagesbild.charts`) draw their charts on figures made here. Every chart in a
document comes with alt text and a table of the same data beside it (DOS-lagen, WCAG 1.1.1).
"""

from __future__ import annotations

import io

DPI = 110
# (Figure class, canvas class), imported once per process, when the first chart is drawn: matplotlib
# costs about a second to import, and the renderers' modules are loaded by every batch worker, most of
# whose versions have no chart to draw.
_FIGURE = None


def matplotlib_classes():
    """Return matplotlib's Figure and Agg canvas, with settings that make bytes repeatable."""
    global _FIGURE
    if _FIGURE is None:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        matplotlib.rcParams.update({
            "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
            "svg.hashsalt": "samverkan", "path.simplify": True, "figure.dpi": DPI, "savefig.dpi": DPI,
            "axes.formatter.use_locale": False,
        })
        _FIGURE = (Figure, FigureCanvasAgg)
    return _FIGURE


def png(figure) -> bytes:
    """Return the figure as PNG without a creation time or program name, so bytes repeat."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def figure(width_cm: float, height_cm: float, margins_cm: tuple[float, float, float, float] | None = None):
    """Return a figure; with ``margins_cm`` (left, right, bottom, top) the axes are placed by them,
    without them matplotlib's constrained layout finds room for every label (a third of the
    time a chart takes, so only charts whose labels we cannot measure beforehand use it)."""
    figure_class, canvas_class = matplotlib_classes()
    made = figure_class(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI,
                        layout=None if margins_cm else "constrained")
    canvas_class(made)
    if margins_cm:
        left, right, bottom, top = margins_cm
        made.subplots_adjust(left=left / width_cm, right=1 - right / width_cm, bottom=bottom / height_cm,
                             top=1 - top / height_cm)
    return made
