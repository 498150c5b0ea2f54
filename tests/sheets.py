"""Test helper: a CSV typed into a worksheet as a user fills one in."""

from __future__ import annotations

import csv
import io


def type_csv(ws, text: str) -> None:
    """Type ``text`` (CSV) into ``ws`` from A1: numbers as numbers (as Excel stores them), empty
    cells left empty, everything else as text."""
    for r, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for c, cell in enumerate(row, start=1):
            try:
                value = float(cell) if cell else None
            except ValueError:
                value = cell
            ws.cell(r, c, value)
