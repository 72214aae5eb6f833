"""Tests of --data: the learner's own measurements, as spreadsheets write them, and every way
a file can be wrong."""

import codecs
import os
import subprocess

import numpy as np
import pytest
from conftest import PICTURES, run

from data import MAX_BYTES, DataError, load


def write(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def test_reads_header_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "# my measurements\nx,z\n\n1,2.5\n 2 , 4.5 \n# the end\n3,7\n")
    x, z, names = load(path)
    assert list(x) == [1, 2, 3] and list(z) == [2.5, 4.5, 7] and names == ("x", "z")


def test_no_header_means_no_names(tmp_path):
    assert load(write(tmp_path, "1,2\n3,4\n"))[2] is None


COMMA = "distance (m),time (s)\n0.5,1.1\n1.5,2.25\n-2,-4.5\n"
TWINS = {
    "semicolon": "distance (m);time (s)\n0.5;1.1\n1.5;2.25\n-2;-4.5\n",
    "tab": "distance (m)\ttime (s)\n0.5\t1.1\n1.5\t2.25\n-2\t-4.5\n",
    "decimal comma": "distance (m);time (s)\n0,5;1,1\n1,5;2,25\n-2;-4,5\n",
    "decimal comma, tab": "distance (m)\ttime (s)\n0,5\t1,1\n1,5\t2,25\n-2\t-4,5\n",
    "trailing columns": "distance (m),time (s),,\n0.5,1.1,,\n1.5,2.25,\n-2,-4.5,,,\n",
    "trailing semicolons": "distance (m);time (s);\n0,5;1,1;\n1,5;2,25;;\n-2;-4,5;\n",
    "windows lines and BOM": "\ufeffdistance (m),time (s)\r\n0.5,1.1\r\n1.5,2.25\r\n-2,-4.5\r\n",
}


@pytest.mark.parametrize("kind", TWINS)
def test_spreadsheet_exports_read_as_their_comma_twin(kind, tmp_path):
    expected = load(write(tmp_path, COMMA, "comma.csv"))
    got = load(write(tmp_path, TWINS[kind]))
    assert list(got[0]) == list(expected[0]) and list(got[1]) == list(expected[1])
    assert got[2] == expected[2] == ("distance (m)", "time (s)")


@pytest.mark.slow
def test_a_semicolon_export_runs_like_its_comma_twin(tmp_path):
    outputs = []
    for name, text in (("comma.csv", COMMA), ("semicolon.csv", TWINS["decimal comma"])):
        result = run("--data", write(tmp_path, text, name), "--no-gif",
                     "--out", str(tmp_path / name[:-4]))
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith("i=10: error=")


@pytest.mark.slow
def test_run_on_own_data_fits_its_points(tmp_path):
    xs = np.linspace(-5, 5, 11)
    path = write(tmp_path, "x,z\n" + "".join(f"{a},{-3 * a}\n" for a in xs))
    out = tmp_path / "figures"
    result = run("--data", path, "--steps", "200", "--lr", "0.01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("i=10: error=") and lines[-1].startswith("i=200: error=")
    assert float(lines[-1].rsplit("a=", 1)[1]) == pytest.approx(-3, abs=1e-6)
    assert sorted(os.listdir(out)) == sorted(PICTURES)


BAD_FILES = [
    ("missing", None, "cannot read the data file (no such file or folder)"),
    ("a folder", "folder", "cannot read the data file (it is a folder, not a file)"),
    ("empty", "", "at least two points are needed, and the file has 0"),
    ("only comments", "# nothing\n\n", "the file has 0"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ("no known encoding", b"x,z\n1,2\n3,\x814\n", "line 3: this is not UTF-8, UTF-16, "
                                                    "UTF-32 or Windows-1252 text"),
    ("a cell over the csv limit", "x,z\n1,2\n3," + "4" * 200_000 + "\n",
     "line 3: this row cannot be read as x,z cells"),
    ("windows-1252 cell", b"x,z\n1,\xe92\n3,4\n", "line 2: '\xe92' is not a finite number"),
    ("no line break", "1" * (2 << 20), "line 1: this row cannot be read as x,z cells"),
    ("x too small", "1e-160,1\n2e-160,3\n", "too small to square"),
    ("non-numeric cell", "x,z\n1,2\n3,abc\n", "line 3: 'abc' is not a finite number"),
    ("header not first", "1,2\nx,z\n", "line 2: 'x' is not a finite number"),
    ("three columns", "1,2\n3,4,5\n", "line 2: expected 2 columns"),
    ("one column", "1\n2\n", "line 1: expected 2 columns"),
    ("decimal comma with commas", "1,5,2\n", "line 1: expected 2 columns"),
    ("mixed separators", "1;2\n3\t4\n", "the file mixes tabs and semicolons"),
    ("thousands and decimals", "1.000,5;2\n3;4\n", "line 1: '1.000,5' is not a finite number"),
    ("nan", "1,2\n2,nan\n", "line 2: 'nan' is not a finite number"),
    ("infinity", "1,2\ninf,3\n", "line 2: 'inf' is not a finite number"),
    ("one point", "x,z\n1,2\n", "at least two points are needed, and the file has 1"),
    ("all x zero", "0,1\n0,2\n0,3\n", "every x is zero"),
    ("too large", "1e200,1\n2,3\n", "too large"),
]


@pytest.mark.parametrize("case, content, message", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_one_line_exit_2_and_writes_nothing(case, content, message, tmp_path):
    path = (str(tmp_path / "missing.csv") if content is None else str(tmp_path) if
            content == "folder" else write(tmp_path, content))
    with pytest.raises(DataError) as refused:
        load(path)
    assert message in str(refused.value)
    out = tmp_path / "figures"
    result = run("--data", path, "--out", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and path in lines[0] and message in lines[0]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_excel_unicode_text_and_windows_1252_read_as_their_utf8_twin(tmp_path):
    """Excel's "Unicode Text" (UTF-16 with a BOM, tab-separated) and its plain CSV on a
    Western Windows (Windows-1252, accents in the header) read like the UTF-8 file."""
    text = "Temperatura (°C);Presión (hPa)\r\n0,5;1,1\r\n1,5;2,25\r\n-2;-4,5\r\n"
    utf8 = load(write(tmp_path, text.encode("utf-8"), "utf8.csv"))
    unicode_text = write(tmp_path, text.replace(";", "\t").encode("utf-16"), "unicode.txt")
    windows = write(tmp_path, text.encode("cp1252"), "windows.csv")
    utf32 = [write(tmp_path, bom + text.encode(encoding), f"{encoding}.csv") for bom, encoding in
             ((b"", "utf-32"), (codecs.BOM_UTF32_LE, "utf-32-le"),
              (codecs.BOM_UTF32_BE, "utf-32-be"))]
    for path in (unicode_text, windows, *utf32):
        x, z, names = load(path)
        assert list(x) == list(utf8[0]) and list(z) == list(utf8[1])
        assert names == ("Temperatura (°C)", "Presión (hPa)") == utf8[2]


@pytest.mark.parametrize("stream", ["/dev/zero", "/dev/urandom"])
def test_a_device_that_never_ends_is_refused_at_once(stream, tmp_path):
    result = run("--data", stream, "--out", str(tmp_path), timeout=20)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "binary file" in lines[0]


def test_an_endless_text_stream_is_refused_at_the_size_limit(tmp_path):
    """A pipe that keeps sending rows: refused once it passes the limit, not read for ever."""
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["bash", "-c", f"yes 1,2 > {fifo}"], stderr=subprocess.DEVNULL)
    try:
        result = run("--data", str(fifo), "--out", str(tmp_path / "figures"), timeout=60)
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "over 100 MB, the most the lesson reads" in lines[0]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk space, and no time to read it
    with pytest.raises(DataError, match="the file is over 100 MB, the most the lesson reads"):
        load(str(path))


def test_a_long_cell_is_quoted_short(tmp_path):
    path = write(tmp_path, "x,z\n1,2\n3," + "a" * 100_000 + "\n")
    with pytest.raises(DataError, match="line 3: 'a+'… is not a finite number") as refused:
        load(path)
    assert len(str(refused.value)) < 200


def test_data_with_an_empty_file_name_is_one_line(tmp_path):
    """`--data ''` is a file name left out by mistake, not a request for the post's points
    (the lesson calls the loader whenever DATA is not None)."""
    out = tmp_path / "figures"
    result = run("--data", "", "--out", str(out))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert "the name is empty" in lines[0] and result.stdout == ""
    assert not out.exists()
