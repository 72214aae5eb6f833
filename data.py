"""Reading your own measurements for regression_gd.py.

The file is text with two numeric columns, x then z, one point a line, as a spreadsheet
exports it: separated by commas, semicolons or tabs (found per file), with decimal commas
allowed where the separator is a semicolon or a tab:

    # my measurements (lines starting with # are ignored)
    distance (m),time (s)
    0.5,1.1
    1.0,2.3

A header row is allowed as the first row; its two names then label the pictures' axes.
Empty columns at the end of a row (a spreadsheet's trailing separators) are ignored. The
text may be UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM (Excel's "Unicode
Text" is UTF-16) or Windows-1252 (Excel's plain CSV on a Western Windows). Anything the
lesson cannot use raises DataError with one line that names the file, and the line where
there is one; a file over MAX_BYTES is refused before it is read, and an empty file name
is refused too.
"""

import codecs
import csv
import os
import stat
from typing import NamedTuple

import numpy as np

from translation import _

MAX_BYTES = 100_000_000  # about 5 million rows; more would not fit the lesson in 1 GB
CHUNK = 1 << 20  # read this much at a time; a first line longer than this is no CSV
WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # text with NULs
MAX_SHOWN = 40  # characters of a cell that a message quotes


class DataError(ValueError):
    """A measurements file that cannot be used; the message says where and why."""


class Measurements(NamedTuple):
    """The points, and the header's two column names (None where the file has no header)."""
    x: np.ndarray
    z: np.ndarray
    names: tuple | None


def load_measurements(path):
    """Read a file of x,z rows; return Measurements(x, z, names)."""
    if not str(path).strip():
        raise DataError(_("argument --data: the file name is empty; name a CSV file of x,z "
                          "rows, or leave --data out to use the post's points"))
    text = read_text(path)
    plain = plain_file(path, text)
    if plain is not None:
        return plain
    lines = numbered_lines(text)
    separator = find_separator(path, lines)
    names = header(path, lines, separator)
    rows = lines[1:] if names else lines
    points = quick_rows([line for _number, line in rows], separator)
    x, z = check_points(path, careful_rows(path, rows, separator) if points is None else points)
    return Measurements(x, z, names)


def plain_file(path, text):
    """The Measurements of a plain file, read at once: rows of two numbers split by one
    comma, maybe under a header of two names, and nothing else (no blank line, comment,
    quote, tab or semicolon). None for any other file: it is read row by row, which also
    says what is wrong, and where."""
    if any(mark in text for mark in '#";\t'):
        return None
    lines = text.splitlines()
    if not lines or not all(line.count(",") == 1 for line in lines):
        return None  # a blank line, or a row without exactly one comma
    try:
        names = header(path, [(1, lines[0])], ",")
    except DataError:  # a header with an empty name: said row by row
        return None
    points = quick_rows(lines[1:] if names else lines, ",")
    return None if points is None else Measurements(*check_points(path, points), names)


def header(path, lines, separator):
    """The first row's two names, if it is a header such as "x,z"; else None."""
    if not lines:
        return None
    cells = split_row(f"{path}, line {lines[0][0]}", lines[0][1], separator)
    return tuple(cells) if all(to_number(cell, separator) is None for cell in cells) else None


def quick_rows(lines, separator):
    """Every row at once, where all are two plain finite numbers: an (n, 2) array; None
    where any row needs a closer look (quotes, decimal commas, anything unusual)."""
    if not lines or any('"' in line or (separator != "," and "," in line) for line in lines):
        return None
    try:
        rows = np.loadtxt(lines, delimiter=separator, ndmin=2, dtype=float)
    except ValueError:
        return None
    return rows if rows.shape[1] == 2 and np.isfinite(rows).all() else None


def careful_rows(path, lines, separator):
    """The rows, cell by cell; the first one that is not two finite numbers raises DataError."""
    rows = []
    for number, line in lines:
        where = _("{path}, line {number}").format(path=path, number=number)
        cells = split_row(where, line, separator)
        values = [to_number(cell, separator) for cell in cells]
        for cell, value in zip(cells, values, strict=True):
            if value is None:
                raise DataError(_("{where}: {cell} is not a number").format(
                    where=where, cell=quoted(cell)))
            if not np.isfinite(value):
                raise DataError(_("{where}: {cell} is not a finite number; remove NaN and "
                                  "infinity").format(where=where, cell=quoted(cell)))
        rows.append(values)
    return np.array(rows, dtype=float).reshape(-1, 2)


def quoted(cell):
    """A cell as a message quotes it: whole, or its start where it is long."""
    if len(cell) <= MAX_SHOWN:
        return repr(cell)
    return _("{start!r}… ({length:,} characters)").format(start=cell[:MAX_SHOWN],
                                                          length=len(cell))


def read_text(path):
    """The file's text; a DataError for a missing, too large, endless or binary file."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            raise DataError(_("{path}: the file is {size:,.0f} MB; the lesson reads at most "
                              "{most:.0f} MB (about 5 million rows): use a sample of it")
                            .format(path=path, size=info.st_size / 1e6, most=MAX_BYTES / 1e6))
        with open(path, "rb") as file:
            raw = read_bounded(path, file)
    except OSError as error:
        raise DataError(_("{path}: cannot read the data file ({why})").format(
            path=path, why=error.strerror or error)) from None
    return decode(path, raw)


def read_bounded(path, file):
    """At most MAX_BYTES of a file, a chunk at a time, refusing a stream that is binary, has
    no line break in its first chunk, or does not end (such as /dev/zero)."""
    chunks, size = [], 0
    while chunk := file.read(CHUNK):
        wide = (chunks[0] if chunks else chunk).startswith(WIDE_BOMS)
        if b"\0" in chunk and not wide:
            raise DataError(_("{path}: this looks like a binary file; expected text with x,z "
                              "rows").format(path=path))
        if not chunks and len(chunk) == CHUNK and b"\n" not in chunk and b"\r" not in chunk:
            raise DataError(_("{path}, line 1: no line break in its first {size:,} bytes; "
                              "expected text with one x,z row a line").format(path=path,
                                                                             size=CHUNK))
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise DataError(_("{path}: more than {most:.0f} MB, the most the lesson reads "
                              "(about 5 million rows): use a sample of it").format(
                                  path=path, most=MAX_BYTES / 1e6))
    return b"".join(chunks)


def decode(path, raw):
    """The text of the bytes: UTF-32 or UTF-16 after its BOM (UTF-32's little-endian BOM
    begins like UTF-16's, so it is looked for first), else UTF-8, else Windows-1252; a
    DataError naming the line of the first byte that is none of them."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        tried = ("utf-32",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        tried = ("utf-16",)
    else:
        tried = ("utf-8-sig", "cp1252")
    for encoding in tried:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    text = raw.decode(tried[0], errors="replace")
    line = text[:text.index("\ufffd")].count("\n") + 1
    raise DataError(_("{path}, line {line}: this is not UTF-8, UTF-16, UTF-32 or "
                      "Windows-1252 text; save it as UTF-8 CSV (expected x,z rows)").format(
                          path=path, line=line))


def numbered_lines(text):
    """(line number, line) for every line that is not blank or a # comment."""
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def find_separator(path, lines):
    """The file's separator: a tab or a semicolon where the file has them, else a comma."""
    found = [separator for separator in ("\t", ";")
             if any(separator in line for _number, line in lines)]
    if len(found) > 1:
        number = next(number for number, line in lines if "\t" in line or ";" in line)
        raise DataError(_("{path}, line {number}: the file mixes tabs and semicolons; use "
                          "one separator throughout").format(path=path, number=number))
    return found[0] if found else ","


def split_row(where, line, separator):
    """A row's cells, stripped, without empty cells at its end; exactly two are needed."""
    try:
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    except csv.Error as error:  # such as a cell over the csv module's limit of 131,072
        raise DataError(_("{where}: this row cannot be read ({why}); expected x,z numbers")
                        .format(where=where, why=error)) from None
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) != 2:
        name = {",": _("a comma"), ";": _("a semicolon"), "\t": _("a tab")}[separator]
        raise DataError(_("{where}: found {count} column(s), expected 2 (x then z) separated "
                          "by {name}").format(where=where, count=len(cells), name=name))
    return cells


def to_number(cell, separator):
    """The cell as a float, or None if it is not a number; "1,5" is 1.5 unless commas separate."""
    if separator != "," and cell.count(",") == 1 and "." not in cell:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def check_points(path, rows):
    """The rows (an (n, 2) array) as two arrays x, z, once they are enough points to learn
    a slope from, and their squares neither overflow nor vanish."""
    if len(rows) == 0:
        raise DataError(_("{path}: no data rows found; expected lines of x,z numbers")
                        .format(path=path))
    if len(rows) < 2:
        raise DataError(_("{path}: only one point found; at least two are needed")
                        .format(path=path))
    x, z = rows.T.copy()
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        sum_xx, sum_zz = np.sum(x * x), np.sum(z * z)
        threshold = len(x) / sum_xx
    if not np.any(x):
        raise DataError(_("{path}: every x is zero, so no slope can be learned; the neuron "
                          "needs some x clearly different from 0").format(path=path))
    if not np.isfinite(sum_xx) or not np.isfinite(sum_zz):
        raise DataError(_("{path}: the values are too large to square (beyond about 1e150); "
                          "rescale them (for example, other units)").format(path=path))
    if sum_xx < np.finfo(float).tiny or not np.isfinite(threshold):
        raise DataError(_("{path}: the x values are too small to square (below about "
                          "1e-150); rescale them (for example, other units)").format(path=path))
    return x, z
