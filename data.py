"""Reading your own measurements for regression_gd.py.

The file is text with two numeric columns, x then z, one point a line, as a spreadsheet
exports it: separated by commas, semicolons or tabs (found per file), with decimal commas
allowed where the separator is a semicolon or a tab:

    # my measurements (lines starting with # are ignored)
    distance (m),time (s)
    0.5,1.1
    1.0,2.3

A header row is allowed as the first row; its two names then label the pictures' axes.
Empty cells at the end of a row (a spreadsheet's trailing separators) are ignored. The text
may be UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM (Excel's "Unicode Text")
or Windows-1252 (Excel's plain CSV on a Western Windows). A file the lesson cannot use
stops the run with one line naming the file, and the line where there is one.
"""

import codecs
import contextlib
import csv
import os

import numpy as np

import program
from program import _

MAX_BYTES = 100_000_000  # about 5 million rows; more would not fit the lesson in 1 GB
WIDE = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DataError(ValueError):
    """A measurements file that cannot be used; the message says where and why."""


def read_points(path):
    """The points (x, z) of a data file; the header's names label the pictures. A file it
    cannot use stops the run with one line saying why (exit status 2)."""
    try:
        x, z, program.Run.names = load(path)
    except DataError as error:
        program.stop(str(error), 2)
    return x, z


def load(path):
    """(x, z, the header's two names or None) of a file of x,z rows."""
    lines = [(number, line) for number, line in enumerate(read_text(path).splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    found = [mark for mark in "\t;" if any(mark in line for _number, line in lines)]
    if len(found) > 1:
        raise DataError(_("{path}: the file mixes tabs and semicolons; use one separator "
                          "throughout").format(path=path))
    separator, names = (found or [","])[0], None
    first = tuple(split_row(path, *lines[0], separator)) if lines else ()
    if first and all(to_number(cell, separator) is None for cell in first):
        names, lines = first, lines[1:]
    return (*check_points(path, rows_of(path, lines, separator)), names)


def read_text(path):
    """The file's text: a DataError for a missing, too large, endless or binary file, and
    for bytes that are none of the encodings above (naming their line)."""
    try:
        too_large = os.path.isfile(path) and os.path.getsize(path) > MAX_BYTES
        with open(path, "rb") as file:
            raw = b"" if too_large else file.read(MAX_BYTES + 1)  # a stream may never end
    except OSError as error:
        raise DataError(_("{path}: cannot read the data file ({why})").format(
            path=path, why=program.system_words(error))) from None
    if b"\0" in raw[:1 << 20] and not raw.startswith(WIDE):
        raise DataError(_("{path}: this looks like a binary file; expected text with x,z "
                          "rows").format(path=path))
    if too_large or len(raw) > MAX_BYTES:
        raise DataError(_("{path}: the file is over 100 MB, the most the lesson reads (about "
                          "5 million rows): use a sample of it").format(path=path))
    tried = (("utf-32",) if raw.startswith(WIDE[:2]) else ("utf-16",)
             if raw.startswith(WIDE[2:]) else ("utf-8-sig", "cp1252"))
    for encoding in tried:
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(encoding)
    text = raw.decode(tried[0], errors="replace")
    raise DataError(_("{path}, line {line}: this is not UTF-8, UTF-16, UTF-32 or "
                      "Windows-1252 text; save it as UTF-8 CSV").format(
                          path=path, line=text[:text.index("\ufffd")].count("\n") + 1))


def split_row(path, number, line, separator):
    """A row's two cells, stripped, without empty cells at its end."""
    try:
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    except csv.Error:  # such as a cell over the csv module's limit, 131,072 characters
        raise DataError(_("{path}, line {number}: this row cannot be read as x,z cells (a "
                          "cell too long?)").format(path=path, number=number)) from None
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) != 2:
        words = {",": _("a comma"), ";": _("a semicolon"), "\t": _("a tab")}[separator]
        raise DataError(_("{path}, line {number}: expected 2 columns (x then z) separated by "
                          "{words}; this row has {count}").format(path=path, number=number,
                                                                  count=len(cells), words=words))
    return cells


def to_number(cell, separator):
    """The cell as a float, or None; "1,5" is 1.5 unless commas separate the columns."""
    if separator != "," and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    with contextlib.suppress(ValueError):
        return float(cell)
    return None


def row(path, number, line, separator):
    """A row's two numbers; a DataError quoting the first cell that is not one."""
    values = [to_number(cell, separator) for cell in split_row(path, number, line, separator)]
    for cell, value in zip(split_row(path, number, line, separator), values, strict=True):
        if value is None or not np.isfinite(value):
            raise DataError(_("{path}, line {number}: {cell} is not a finite number").format(
                path=path, number=number, cell=repr(cell[:40]) + "…" * (len(cell) > 40)))
    return values


def rows_of(path, lines, separator):
    """The numbered `lines` as an (n, 2) array of x,z rows: all at once where each is two
    plain finite numbers; else one by one (quotes, decimal commas, anything unusual)."""
    if lines and not any('"' in line or (separator != "," and "," in line) for _n, line in lines):
        with contextlib.suppress(ValueError):  # else each row is read below, a bad one named
            rows = np.loadtxt([line for _number, line in lines], delimiter=separator, ndmin=2)
            if rows.shape[1] == 2 and np.isfinite(rows).all():
                return rows
    return np.array([row(path, number, line, separator) for number, line in lines],
                    dtype=float).reshape(-1, 2)


def check_points(path, rows):
    """x and z from the rows, once they are enough points to learn a slope from, and their
    squares neither overflow nor vanish."""
    x, z = rows.T.copy()
    with np.errstate(over="ignore", under="ignore"):
        squares = np.sum(x * x), np.sum(z * z)
    problem = (_("at least two points are needed, and the file has {count}") if len(x) < 2 else
               _("every x is zero, so no slope can be learned") if not np.any(x) else
               _("the values are too large to square (beyond about 1e150); rescale them "
                 "(for example, other units)") if not np.isfinite(squares).all() else
               _("the x values are too small to square (below about 1e-150); rescale them "
                 "(for example, other units)") if squares[0] < np.finfo(float).tiny else None)
    if problem:
        raise DataError(f"{path}: " + problem.format(count=len(x)))
    return x, z
