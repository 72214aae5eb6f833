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
import csv
import os

import numpy as np

import program
from program import _

MAX_BYTES = 100_000_000  # about 5 million rows; more would not fit the lesson in 1 GB
CHUNK = 1 << 20  # read this much at a time; a first line longer than this is no CSV
WIDE = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DataError(ValueError):
    """A measurements file that cannot be used; the message says where and why."""


def read_points(path):
    """The points (x, z) of a data file; the header's names label the pictures. A file it
    cannot use stops the run with one line saying why (exit status 2)."""
    try:
        x, z, names = load(path)
    except DataError as error:
        program.stop(str(error), 2)
    program.Run.names = names
    return x, z


def load(path):
    """(x, z, the header's two names or None) of a file of x,z rows."""
    lines = [(number, line) for number, line in enumerate(read_text(path).splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    separator = find_separator(path, lines)
    names = None
    if lines and all(to_number(cell, separator) is None
                     for cell in split_row(path, *lines[0], separator)):
        names = tuple(split_row(path, *lines[0], separator))
        lines = lines[1:]
    rows = quick_rows([line for _number, line in lines], separator)
    if rows is None:
        rows = np.array([row(path, number, line, separator) for number, line in lines],
                        dtype=float).reshape(-1, 2)
    return (*check_points(path, rows), names)


def read_text(path):
    """The file's text; a DataError for a missing, too large, endless or binary file."""
    try:
        if os.path.isfile(path) and os.path.getsize(path) > MAX_BYTES:
            raise DataError(_("{path}: the file is over {most} MB, the most the lesson reads "
                              "(about 5 million rows): use a sample of it").format(
                                  path=path, most=MAX_BYTES // 1_000_000))
        with open(path, "rb") as file:
            chunks = []
            while (chunk := file.read(CHUNK)) and sum(map(len, chunks)) <= MAX_BYTES:
                check_chunk(path, chunk, chunks)
                chunks.append(chunk)
    except OSError as error:
        raise DataError(_("{path}: cannot read the data file ({why})").format(
            path=path, why=system_words(error))) from None
    if chunk:
        raise DataError(_("{path}: the file is over {most} MB, the most the lesson reads "
                          "(about 5 million rows): use a sample of it").format(
                              path=path, most=MAX_BYTES // 1_000_000))
    return decode(path, b"".join(chunks))


def system_words(error):
    """An OSError's reason, in the lesson's words for the usual ones."""
    known = {2: _("no such file or folder"), 13: _("permission denied"),
             21: _("it is a folder, not a file")}
    return known.get(error.errno, error.strerror or str(error))


def check_chunk(path, chunk, before):
    """Refuse a binary file, and a first chunk without a line break."""
    if b"\0" in chunk and not (before[0] if before else chunk).startswith(WIDE):
        raise DataError(_("{path}: this looks like a binary file; expected text with x,z "
                          "rows").format(path=path))
    if not before and len(chunk) == CHUNK and not {10, 13} & set(chunk):
        raise DataError(_("{path}, line 1: no line break in its first MB; expected text "
                          "with one x,z row a line").format(path=path))


def decode(path, raw):
    """The text of the bytes: UTF-32 or UTF-16 after its BOM, else UTF-8, else
    Windows-1252; a DataError naming the line of the first byte that is none of them."""
    tried = (("utf-32",) if raw.startswith(WIDE[:2]) else ("utf-16",)
             if raw.startswith(WIDE[2:]) else ("utf-8-sig", "cp1252"))
    for encoding in tried:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    text = raw.decode(tried[0], errors="replace")
    raise DataError(_("{path}, line {line}: this is not UTF-8, UTF-16, UTF-32 or "
                      "Windows-1252 text; save it as UTF-8 CSV").format(
                          path=path, line=text[:text.index("\ufffd")].count("\n") + 1))


def find_separator(path, lines):
    """The file's separator: a tab or a semicolon where the file has them, else a comma."""
    found = [mark for mark in "\t;" if any(mark in line for _number, line in lines)]
    if len(found) > 1:
        raise DataError(_("{path}: the file mixes tabs and semicolons; use one separator "
                          "throughout").format(path=path))
    return found[0] if found else ","


def split_row(path, number, line, separator):
    """A row's two cells, stripped, without empty cells at its end."""
    try:
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    except csv.Error as error:  # such as a cell over the csv module's limit
        raise DataError(_("{path}, line {number}: this row cannot be read ({why})").format(
            path=path, number=number, why=error)) from None
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) != 2:
        words = {",": _("a comma"), ";": _("a semicolon"), "\t": _("a tab")}[separator]
        raise DataError(_("{path}, line {number}: found {count} columns, expected 2 (x then "
                          "z) separated by {words}").format(path=path, number=number,
                                                            count=len(cells), words=words))
    return cells


def to_number(cell, separator):
    """The cell as a float, or None; "1,5" is 1.5 unless commas separate the columns."""
    if separator != "," and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def row(path, number, line, separator):
    """A row's two numbers; a DataError quoting the first cell that is not one."""
    values = []
    for cell in split_row(path, number, line, separator):
        value = to_number(cell, separator)
        if value is None or not np.isfinite(value):
            quoted = repr(cell) if len(cell) <= 40 else repr(cell[:40]) + "…"
            raise DataError(_("{path}, line {number}: {cell} is not a finite number").format(
                path=path, number=number, cell=quoted))
        values.append(value)
    return values


def quick_rows(lines, separator):
    """Every row at once where all are two plain finite numbers: an (n, 2) array; None
    where any row needs a closer look (quotes, decimal commas, anything unusual)."""
    if not lines or any('"' in line or (separator != "," and "," in line) for line in lines):
        return None
    try:
        rows = np.loadtxt(lines, delimiter=separator, ndmin=2, dtype=float)
    except ValueError:
        return None
    return rows if rows.shape[1] == 2 and np.isfinite(rows).all() else None


def check_points(path, rows):
    """x and z from the rows, once they are enough points to learn a slope from, and their
    squares neither overflow nor vanish."""
    if len(rows) < 2:
        raise DataError(_("{path}: {count} points found; at least two are needed").format(
            path=path, count=len(rows)))
    x, z = rows.T.copy()
    with np.errstate(over="ignore", under="ignore"):
        sum_xx, sum_zz = np.sum(x * x), np.sum(z * z)
    if not np.any(x):
        raise DataError(_("{path}: every x is zero, so no slope can be learned").format(
            path=path))
    if not np.isfinite(sum_xx) or not np.isfinite(sum_zz):
        raise DataError(_("{path}: the values are too large to square (beyond about 1e150); "
                          "rescale them (for example, other units)").format(path=path))
    if sum_xx < np.finfo(float).tiny:
        raise DataError(_("{path}: the x values are too small to square (below about "
                          "1e-150); rescale them (for example, other units)").format(path=path))
    return x, z
