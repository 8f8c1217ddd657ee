"""CSV text the portal exports, safe to open in a spreadsheet.

Unit and system names, titles and other staff-written text reach CSV cells. Excel, WPS and
LibreOffice run a cell that starts with `=`, `+`, `-` or `@` (and, in some versions, TAB or
CR) as a formula, so such a cell gets a leading `'` (OWASP "CSV injection"): it shows as the
text it is. Every CSV writer of the portal goes through `csv_text`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def safe_cell(value: object) -> str:
    """`value` as cell text, with a leading `'` when a spreadsheet would read it as a formula.
    A plain number (`-3`, `+2.50`) is a number to a spreadsheet, never a formula, and stays as it is."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A CSV file's text (CRLF line ends, as spreadsheets expect) with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
