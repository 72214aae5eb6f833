"""Reading your own measurements for regression_gd.py.

The file is text with two numeric columns, x then z, one point a line, as a spreadsheet
exports it: separated by commas, semicolons or tabs (found per file), with decimal commas
allowed where the separator is a semicolon or a tab:

    # my measurements (lines starting with # are ignored)
    distance (m),time (s)
    0.5,1.1
    1.0,2.3

A header row is allowed as the first row; its two names then label the pictures' axes.
Empty columns at the end of a row (a spreadsheet's trailing separators) are ignored.
Anything the lesson cannot use raises DataError with one line that names the file, and the
line where there is one.
"""

import csv
from typing import NamedTuple

import numpy as np


class DataError(ValueError):
    """A measurements file that cannot be used; the message says where and why."""


class Measurements(NamedTuple):
    """The points, and the header's two column names (None where the file has no header)."""
    x: np.ndarray
    z: np.ndarray
    names: tuple | None


def load_measurements(path):
    """Read a file of x,z rows; return Measurements(x, z, names)."""
    lines = numbered_lines(read_text(path))
    separator = find_separator(path, lines)
    rows, names = [], None
    for number, line in lines:
        where = f"{path}, line {number}"
        cells = split_row(where, line, separator)
        values = [to_number(cell, separator) for cell in cells]
        if not rows and names is None and all(value is None for value in values):
            names = tuple(cells)  # a header such as "x,z"
            continue
        for cell, value in zip(cells, values, strict=True):
            if value is None:
                raise DataError(f"{where}: {cell!r} is not a number")
            if not np.isfinite(value):
                raise DataError(f"{where}: {cell!r} is not a finite number; "
                                "remove NaN and infinity")
        rows.append(values)
    x, z = check_points(path, rows)
    return Measurements(x, z, names)


def read_text(path):
    """The file's text, or a DataError for a missing, binary or non-UTF-8 file."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise DataError(f"{path}: cannot read the data file ({error.strerror or error})") from None
    if b"\0" in raw:
        raise DataError(f"{path}: this looks like a binary file; expected text with x,z rows")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: this is not UTF-8 text; save it as UTF-8 CSV "
                        "(expected x,z rows)") from None


def numbered_lines(text):
    """(line number, line) for every line that is not blank or a # comment."""
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]


def find_separator(path, lines):
    """The file's separator: a tab or a semicolon where the file has them, else a comma."""
    found = [separator for separator in ("\t", ";") if any(separator in line for _, line in lines)]
    if len(found) > 1:
        number = next(number for number, line in lines if "\t" in line or ";" in line)
        raise DataError(f"{path}, line {number}: the file mixes tabs and semicolons; "
                        "use one separator throughout")
    return found[0] if found else ","


def split_row(where, line, separator):
    """A row's cells, stripped, without empty cells at its end; exactly two are needed."""
    cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator))]
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) != 2:
        name = {",": "a comma", ";": "a semicolon", "\t": "a tab"}[separator]
        raise DataError(f"{where}: found {len(cells)} column(s), expected 2 (x then z) "
                        f"separated by {name}")
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
    """The rows as two arrays x, z, once they are enough points to learn a slope from."""
    if not rows:
        raise DataError(f"{path}: no data rows found; expected lines of x,z numbers")
    if len(rows) < 2:
        raise DataError(f"{path}: only one point found; at least two are needed")
    x, z = np.array(rows).T
    with np.errstate(over="ignore", under="ignore"):
        sum_xx, sum_zz = np.sum(x * x), np.sum(z * z)
    if sum_xx == 0:
        raise DataError(f"{path}: every x is zero (or too close to zero to square), so no "
                        "slope can be learned; the neuron needs some x clearly different from 0")
    if not np.isfinite(sum_xx) or not np.isfinite(sum_zz):
        raise DataError(f"{path}: the values are too large to square (beyond about 1e150); "
                        "rescale them")
    return x, z
