"""Reading your own measurements for regression_gd.py.

The file is CSV text with two numeric columns, x then z, one point a line:

    # my measurements (lines starting with # are ignored)
    x,z
    0.5,1.1
    1.0,2.3

A header row is allowed as the first row. Anything the lesson cannot use raises DataError
with one line that names the file, and the line where there is one.
"""

import csv

import numpy as np


class DataError(ValueError):
    """A measurements file that cannot be used; the message says where and why."""


def load_measurements(path):
    """Read points from a CSV file of x,z rows; return them as two float arrays x, z."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        raise DataError(f"{path}: cannot read the data file ({error.strerror or error})") from None
    if b"\0" in raw:
        raise DataError(f"{path}: this looks like a binary file; expected CSV text with x,z rows")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: this is not UTF-8 text; "
                        "expected CSV text with x,z rows") from None

    rows = []
    seen_first_row = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}, line {number}"
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if len(cells) != 2:
            raise DataError(f"{where}: found {len(cells)} column(s), expected 2 (x,z) "
                            "separated by a comma")
        values = [_number(cell) for cell in cells]
        if not seen_first_row and all(value is None for value in values):
            seen_first_row = True  # a header such as "x,z"
            continue
        seen_first_row = True
        for cell, value in zip(cells, values, strict=True):
            if value is None:
                raise DataError(f"{where}: {cell!r} is not a number")
            if not np.isfinite(value):
                raise DataError(f"{where}: {cell!r} is not a finite number; "
                                "remove NaN and infinity")
        rows.append(values)

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


def _number(cell):
    """The cell as a float, or None if it is not a number."""
    try:
        return float(cell)
    except ValueError:
        return None
