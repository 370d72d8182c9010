"""The kommun's logo for its documents: ``logo.png`` in the kommun's data folder, if there is one.

The file is untrusted like all data: read only as a regular file inside the data folder, at
most :data:`MAX_LOGO_BYTES`, and accepted only when it is a PNG whose header names a sane
size. Nothing decodes the picture here; Word and LibreOffice do, from bytes whose header has
been checked. A ``logo.svg`` alone is reported (:func:`logo_problems`): Word files made here
carry PNG pictures, which every version of Word and LibreOffice shows.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DataError, Problem
from pipeline.files.inputs import read_bytes

LOGO_FILE = "logo.png"
SVG_LOGO_FILE = "logo.svg"
MAX_LOGO_BYTES = 1024 * 1024  # a kommun's logo is a few tens of kB
MAX_PIXELS = 8000  # per side: larger is no logo, and a decoder would need gigabytes for it
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Logo:
    """A checked PNG logo: its bytes and its size in pixels."""

    png: bytes
    width: int
    height: int

    def size_cm(self, height_cm: float = 1.6, max_width_cm: float = 6.0) -> tuple[float, float]:
        """Return (width, height) in cm at ``height_cm`` high, narrower when the logo is very wide."""
        width = height_cm * self.width / self.height
        if width > max_width_cm:
            return max_width_cm, max_width_cm * self.height / self.width
        return width, height_cm


def parse_png(path: Path, data: bytes) -> Logo:
    """Return ``data`` as a Logo when it starts like a PNG of a sane size; raise DataError otherwise."""
    # The first chunk of every PNG is IHDR: length 13, then width and height as big-endian integers.
    if len(data) < 33 or not data.startswith(_SIGNATURE) or data[12:16] != b"IHDR":
        raise DataError(Problem(path, "logotypen är ingen PNG-bild",
                                hint="Spara logotypen som PNG (logo.png), t.ex. från kommunens grafiska profil."))
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise DataError(Problem(path, f"logotypen är {width} × {height} bildpunkter; den får vara högst "
                                      f"{MAX_PIXELS} × {MAX_PIXELS}",
                                hint="Spara en mindre logotyp; några hundra bildpunkter räcker."))
    return Logo(data, width, height)


def read_logo(kommun_folder: Path, root: Path | None) -> Logo | None:
    """Return the kommun's logo, or None when its folder has no ``logo.png``; raise DataError
    when the file is there but cannot be used."""
    path = Path(kommun_folder) / LOGO_FILE
    if not path.exists() and not path.is_symlink():
        return None
    return parse_png(path, read_bytes(path, root, limit=MAX_LOGO_BYTES, what="logotypen"))


def logo_problems(kommun_folder: Path, root: Path | None) -> list[Problem]:
    """Return what is wrong with the kommun's logo, as problems (empty when there is none or it is fine)."""
    try:
        read_logo(kommun_folder, root)
    except DataError as exc:
        return list(exc.problems)
    svg = Path(kommun_folder) / SVG_LOGO_FILE
    if svg.exists() and not (Path(kommun_folder) / LOGO_FILE).exists():
        return [Problem(svg, "logotypen är en SVG-bild; dokumenten visar logotypen bara som PNG-bild",
                        hint="Spara logotypen också som PNG (logo.png) i samma mapp.")]
    return []
