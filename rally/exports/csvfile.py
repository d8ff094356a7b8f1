"""CSV text that Japanese Excel opens correctly and that cannot run a formula.

Excel guesses Shift_JIS for a CSV without a byte-order mark, so the text starts with the
UTF-8 BOM. A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which Excel skips before looking) would be read as a formula: such cells get a leading
apostrophe (OWASP's advice), which Excel shows as plain text.
"""

import csv
import io
from collections.abc import Iterable

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """One cell as text; a text that Excel would take for a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)  # numbers stay numbers, a negative one included
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """The whole file: BOM, header row, then one line per row, CRLF as Excel writes."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
