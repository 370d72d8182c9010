"""The kommun's logo (pipeline/data/logo.py): a PNG of sane size inside the data folder, or a warning."""

from __future__ import annotations

import struct

import pytest

from pipeline.data.logo import MAX_LOGO_BYTES, MAX_PIXELS, Logo, read_logo
from pipeline.errors import DataError


def png(width: int, height: int, size: int = 64) -> bytes:
    """Return bytes that begin like a PNG of ``width`` × ``height`` pixels, ``size`` bytes long."""
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height)
    return head + bytes(max(0, size - len(head)))


@pytest.mark.parametrize(("width", "height", "accepted"), [
    (MAX_PIXELS, MAX_PIXELS, True), (MAX_PIXELS + 1, 10, False), (10, MAX_PIXELS + 1, False),
    (1, 1, True), (0, 10, False), (10, 0, False)])
def test_a_logo_may_be_at_most_max_pixels_on_each_side(tmp_path, width, height, accepted):
    (tmp_path / "logo.png").write_bytes(png(width, height))
    if accepted:
        assert read_logo(tmp_path, tmp_path) == Logo(png(width, height), width, height)
    else:
        with pytest.raises(DataError, match="bildpunkter"):
            read_logo(tmp_path, tmp_path)


@pytest.mark.parametrize(("size", "accepted"), [(MAX_LOGO_BYTES, True), (MAX_LOGO_BYTES + 1, False)])
def test_a_logo_may_be_at_most_one_megabyte(tmp_path, size, accepted):
    (tmp_path / "logo.png").write_bytes(png(100, 50, size))
    if accepted:
        assert read_logo(tmp_path, tmp_path).width == 100
    else:
        with pytest.raises(DataError, match="storleksgränsen"):
            read_logo(tmp_path, tmp_path)


def test_no_logo_is_no_logo(tmp_path):
    assert read_logo(tmp_path, tmp_path) is None


@pytest.mark.parametrize(("width", "height", "expected"), [
    (300, 100, (4.8, 1.6)),   # 1.6 cm high
    (1000, 100, (6.0, 0.6)),  # too wide at 1.6 cm: 6 cm wide instead
    (100, 100, (1.6, 1.6))])
def test_the_logo_is_printed_1_6_cm_high_and_at_most_6_cm_wide(width, height, expected):
    assert Logo(b"", width, height).size_cm() == pytest.approx(expected)
