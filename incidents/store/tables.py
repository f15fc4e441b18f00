"""Reading CSV tables into frames of strings, reporting every structural problem as a Problem.

Reads never guess silently: a file that is not UTF-8, uses the wrong delimiter or has a broken
header is reported as a Problem. Large clean files are parsed by pyarrow straight from the bytes
(`_read_fast`); anything it cannot prove clean goes the original way (pandas' C parser, then the
row-by-row reader), so every report is the same whichever path ran.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

from ..errors import Problem
from ..schema import Table

# Cells may be long (a pasted article): the row-by-row reader must not stop at csv's 128 KiB default.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def table_path(directory: Path, table: Table) -> Path:
    return Path(directory) / table.file


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode file bytes as UTF-8 (a BOM is accepted); anything else is a reported problem.

    We reject rather than guess other encodings: a Windows-1251 file read as Latin-1 would turn
    Cyrillic place names into plausible-looking garbage that no later check could catch.
    UTF-16 files and binary files (a spreadsheet workbook, an image) are refused with a message
    naming what they look like. A few stray NUL bytes in an otherwise UTF-8 file are kept: the rows
    holding them are reported by validation (control character) and every other row is kept.
    """
    if not raw or raw.isspace():  # same as `not raw.strip()`, without copying the file
        return None, [Problem(file, None, None, "file is empty", expected="a header row and data rows")]
    if b"\x00" in raw:
        refused = _binary_kind(raw)
        if refused:
            line = raw[: raw.index(b"\x00")].count(b"\n") + 1
            return None, [Problem(file, None, None, f"file contains NUL bytes (first on line {line}); {refused}",
                                  expected="a UTF-8 text CSV")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(raw)
        return None, [Problem(file, None, None,
                              f"file is not UTF-8: undecodable byte 0x{raw[exc.start]:02x} on line {line}"
                              f"{f'; it looks like {guess}' if guess else ''}. Re-save it as 'CSV UTF-8'",
                              expected="UTF-8")]
    if not text or text.isspace():
        return None, [Problem(file, None, None, "file is empty", expected="a header row and data rows")]
    return text, []


def _binary_kind(raw: bytes) -> str:
    """Why a file holding NUL bytes is refused as a whole ('' when they are only a few stray bytes)."""
    head = raw[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
        return "it is UTF-16; re-save it as 'CSV UTF-8'"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is a spreadsheet workbook, not a CSV; save it as 'CSV UTF-8'"
    lines = raw.split(b"\n")
    with_nul = sum(1 for line in lines if b"\x00" in line)
    if with_nul > max(1, len(lines) // 10):  # NULs all over the file, not in a cell or two
        return "it is binary or UTF-16"
    return ""


def _guess_encoding(raw: bytes) -> str:
    """Name the likely legacy encoding. Cyrillic in Windows-1251 makes whole words of high bytes;
    Latin-1 accents are single high bytes between ASCII letters."""
    sample = raw[:200_000]
    if not re.search(rb"[\x80-\xff]", sample):
        return ""
    if re.search(rb"[\xc0-\xff]{3,}", sample):
        return "Windows-1251 (Cyrillic)"
    return "Latin-1 / Windows-1252"


def parse_csv(text: str, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse CSV text into a frame of strings (empty cells are ''), reporting structural problems.

    The frame's index is the record position (0 = first data record; blank lines count as records,
    so `row = index + 2` is the row a spreadsheet shows). Rows whose number of fields differs from
    the header's are reported and left out; every other row is kept. The fast path is pandas' C
    parser plus a file-wide count of separators (commas outside cells) that proves every record has
    exactly the header's number of fields; anything else goes row by row through `_parse_slow`.
    """
    text = text.rstrip("\r\n")
    if not text.strip():
        return None, [Problem(file, None, None, "file is empty", expected="a header row and data rows")]
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    if "," not in first_line:
        bare = re.sub(r'"[^"]*"', "", first_line)  # a quoted name may hold ';' (a one-column file)
        for sep, label in ((";", "semicolons"), ("\t", "tabs")):
            if sep in bare:
                return None, [Problem(file, 1, None, f"the header is separated by {label}, not commas",
                                      found=first_line[:80], expected="comma-separated values")]
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (csv.Error, StopIteration) as exc:
        return None, [Problem(file, 1, None, f"cannot read the header: {_csv_reason(exc)}",
                              expected="a header row of comma-separated column names")]
    header = [_clean_name(h) for h in header]
    n = len(header)
    if _quote_then_text(text):  # the fast parsers drop such quotes silently: read row by row, which reports it
        return _parse_slow(text, file, header)
    frame = _parse_arrow(text, n)
    if frame is not None and ("\n\n" not in text and "\r\r" not in text and "\n\r" not in text
                              or _fields_match(text, pd.concat([pd.DataFrame([header]), frame]), n)):
        return _finish_header(frame, header, file, [] if len(frame) else [_header_only(file)])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            raw = pd.read_csv(io.StringIO(text), header=None, names=list(range(n)), index_col=False, dtype=str,
                              keep_default_na=False, na_filter=False, engine="c", skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError, OverflowError, MemoryError):
        return _parse_slow(text, file, header)
    if not _fields_match(text, raw, n):
        return _parse_slow(text, file, header)
    frame = raw.iloc[1:, :n]
    frame.columns = header
    frame.index = pd.RangeIndex(len(frame))
    return _finish_header(frame, header, file, [] if len(frame) else [_header_only(file)])


# A quote with text on both sides ('"closed" then text', 'x"y'): in valid CSV a quote inside a quoted cell
# is doubled and a quoted cell ends at a comma or a line end. pandas' and pyarrow's parsers keep such a
# cell with its quotes silently dropped, so a file holding one is read row by row (Python's csv module,
# strict), which reports the cell; a harmless literal quote in an unquoted cell only costs speed.
# Written to start with the literal quote (the look-behind checks the quote and the character before it):
# the regex engine then jumps from quote to quote instead of testing every byte (35x faster on 38 MB).
_QUOTE_THEN_TEXT = re.compile(r'"(?<=[^,\r\n"]")(?=[^,\r\n"])')
_QUOTE_THEN_TEXT_B = re.compile(rb'"(?<=[^,\r\n"]")(?=[^,\r\n"])')


def _quote_then_text(text: str) -> bool:
    return '"' in text and _QUOTE_THEN_TEXT.search(text) is not None


# Files smaller than this go straight to pandas' C parser: pyarrow's start-up is not worth it.
ARROW_MIN_BYTES = 1 << 20


def _parse_arrow(text: str, n: int, min_bytes: int | None = None) -> pd.DataFrame | None:
    """The fast path for large well-formed text: see `_arrow_frame`."""
    if n < 2 or len(text) < (ARROW_MIN_BYTES if min_bytes is None else min_bytes):
        return None
    return _arrow_frame(text.encode("utf-8"), n)


def _arrow_frame(data, n: int) -> pd.DataFrame | None:
    """Parse UTF-8 CSV bytes (header record included) with pyarrow's multi-threaded reader.

    Same result as the C-parser path: every cell a string, empty cells '', 'NA' and 'null' kept as
    text, quoted line breaks inside cells, the header record read as data and then dropped. pyarrow
    refuses any record whose number of fields is not exactly n (a blank line is a record of one
    field) and any invalid UTF-8; then this returns None and the caller takes the C-parser path
    (and from there the row-by-row path that names each bad row), so reports are the same
    whichever path ran. tests/test_perf_load.py compares both paths on the fixtures.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [str(i) for i in range(n)]
        table = pacsv.read_csv(
            data if isinstance(data, pa.Buffer) else pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
        if table.num_rows < 1:
            return None
        body = table.slice(1)
        frame = pd.DataFrame({i: pd.Series(body.column(i), dtype="str") for i in range(n)})
    except Exception:  # noqa: BLE001 - anything pyarrow refuses goes the careful way
        return None
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _read_fast(raw: bytes, file: str) -> tuple[pd.DataFrame, list[Problem]] | None:
    """read_table's fast path for a large, clean file, straight from the bytes (no decoding of the
    whole text). None whenever any check of `decode` or `parse_csv` could report something: the
    caller then runs them as usual."""
    if len(raw) < ARROW_MIN_BYTES or b"\x00" in raw or raw.isspace() or _QUOTE_THEN_TEXT_B.search(raw):
        return None
    import pyarrow as pa

    buf = pa.py_buffer(raw)
    if raw.startswith(codecs.BOM_UTF8):
        buf = buf.slice(3)
    end = len(buf)
    while end and raw[len(raw) - len(buf) + end - 1] in (10, 13):  # parse_csv strips trailing line breaks
        end -= 1
    buf = buf.slice(0, end)
    head = bytes(buf.slice(0, min(end, 1 << 16)))
    try:
        prefix = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
        prefix = head[: exc.start].decode("utf-8")  # a character cut at the end of the sample
    lines = re.split(r"\r\n|\r|\n", prefix, maxsplit=1)
    if len(lines) < 2 or "," not in lines[0]:
        return None
    reading = io.StringIO(prefix, newline="")
    try:
        header = next(csv.reader(reading, strict=True))
    except (csv.Error, StopIteration):
        return None
    if reading.tell() >= len(prefix):  # the header record may go on past the sample
        return None
    header_commas = sum(h.count(",") for h in header)
    header = [_clean_name(h) for h in header]
    n = len(header)
    frame = _arrow_frame(buf, n) if n >= 2 else None
    if frame is None:
        return None
    # pyarrow reads an empty line as a record of empty cells; the C path skips it (keeping the row
    # numbers). Only when two line breaks meet can there be one, and then the separator count decides.
    if any(pair in raw for pair in (b"\n\n", b"\r\r", b"\n\r")):
        inside = sum(_commas(frame[c]) for c in frame.columns) + header_commas
        if raw.count(b",") - inside != (len(frame) + 1) * (n - 1):
            return None
    return _finish_header(frame, header, file, [] if len(frame) else [_header_only(file)])


def _header_only(file: str) -> Problem:
    return Problem(file, None, None, "file has a header but no data rows", expected="at least one data row")


def _fields_match(text: str, raw: pd.DataFrame, n: int) -> bool:
    """True when every record of `text` has exactly n fields, so pandas padded nothing.

    pandas' C parser (given exactly n column names) raises on a record with more than n fields but
    pads a shorter one with '' silently. So with no record longer than n, every record has n fields
    iff the commas that separate fields (all commas minus those inside the parsed cells) number
    exactly (n - 1) per record. A blank line is a record of 1 field, so it fails this too (the slow
    reader then skips it, keeping the spreadsheet row numbers). Vectorised: one count per column.
    """
    inside = sum(_commas(raw[c]) for c in raw.columns)
    return text.count(",") - inside == len(raw) * (n - 1)


def _commas(column: pd.Series) -> int:
    array = column.array
    if hasattr(array, "__arrow_array__"):  # pandas' default pyarrow-backed strings: count in Arrow, not regex
        import pyarrow.compute as pc
        return int(pc.sum(pc.count_substring(array.__arrow_array__(), ",")).as_py() or 0)
    return int(column.str.count(",").sum())


def _clean_name(name: str) -> str:
    """A header name without BOMs and surrounding spaces; line breaks and other invisible control
    characters are shown as escapes (\\n, \\u202e) so a report line can never be split or reordered."""
    name = name.replace("\ufeff", "").strip()
    return _INVISIBLE.sub(lambda m: repr(m.group())[1:-1], name)


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _finish_header(frame: pd.DataFrame, header: list[str], file: str,
                   problems: list[Problem]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Refuse a header naming a column twice; drop empty columns without a name (with a warning)."""
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        return None, [Problem(file, 1, name, "column appears more than once in the header",
                              found=name, expected="each column once") for name in repeated]
    frame.columns = header
    if not any(header):
        return None, [Problem(file, 1, None, "the header row has no column names", found=",".join(header),
                              expected="a header row naming the columns")]
    if "" in header:
        keep, names = [], []
        for i, h in enumerate(header):
            column = frame.iloc[:, i]
            if h == "" and (column.str.strip() == "").all():
                problems.append(Problem(file, 1, None, f"column {i + 1} has no name and no values; it is ignored",
                                        severity="warning"))
                continue
            keep.append(i)
            names.append(h or f"(column {i + 1})")
        frame = frame.iloc[:, keep]
        frame.columns = names
    return frame, problems


def _csv_reason(exc: BaseException) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quote opened here is never closed"
    if "expected after" in text:
        return "a quote closes in the middle of a cell"
    if isinstance(exc, StopIteration):
        return "no header row"
    return text


def _parse_slow(text: str, file: str, header: list[str] | None = None) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Row-by-row parse used when the fast parser fails, so each bad row is named and good rows kept.

    A row that cannot be parsed (e.g. a quote never closed) is reported, and reading resumes on the
    next physical line, so the rows after it are kept.
    """
    problems: list[Problem] = []
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), strict=True)
    try:
        first = next(reader)
    except (csv.Error, StopIteration) as exc:
        return None, [Problem(file, 1, None, f"cannot read the header: {_csv_reason(exc)}",
                              expected="a header row of comma-separated column names")]
    header = header if header is not None else [_clean_name(h) for h in first]
    base = 0  # lines consumed by earlier readers (after a resynchronisation)
    rows, row_numbers = [], []
    record = 1
    records_seen = False
    while True:
        start = base + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            record += 1
            problems.append(Problem(file, record, None, f"cannot parse this row: {_csv_reason(exc)}",
                                    found=lines[start].rstrip("\r\n") if start < len(lines) else "",
                                    expected='properly quoted CSV (a cell holding a comma, quote or line break is '
                                             'enclosed in "...", with each " inside it doubled)'))
            # Resume on the line after the bad record began (after its last line for a mid-record error).
            records_seen = True
            # Resume on the line after the one the bad record began on, whatever the error: a quote left open
            # may have swallowed the lines after it, and each of those must be read (or reported) again.
            resume = start + 1
            base = resume
            reader = csv.reader(iter(lines[resume:]), strict=True)
            continue
        record += 1
        if not any(f.strip() for f in fields):
            continue
        records_seen = True
        if len(fields) != len(header):
            problems.append(Problem(file, record, None, f"row has {len(fields)} field{'s' * (len(fields) != 1)}, header has {len(header)}",
                                    found=str(len(fields)), expected=f"{len(header)} comma-separated fields"))
            continue
        rows.append(fields)
        row_numbers.append(record)
    frame = pd.DataFrame(rows, columns=range(len(header)), dtype=str) if rows else pd.DataFrame(
        {i: pd.Series(dtype=str) for i in range(len(header))})
    frame.index = pd.Index([n - 2 for n in row_numbers], dtype="int64")
    if not records_seen:
        problems.append(_header_only(file))
    return _finish_header(frame, header, file, problems)


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV file as strings. Returns (frame or None, problems).

    The frame's index is the record position (0 = first data row), so `row = index + 2`.
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(file, None, None, "file not found")]
    except OSError as exc:
        return None, [Problem(file, None, None, f"cannot read file: {exc.strerror}")]
    fast = _read_fast(raw, file)
    if fast is not None:
        return fast
    text, problems = decode(raw, file)
    if text is None:
        return None, problems
    return parse_csv(text, file)


def table_bytes(frame: pd.DataFrame, table: Table | None = None) -> bytes:
    """The exact bytes `write_table` writes: UTF-8 CSV, LF line ends, schema column order."""
    columns = [c for c in table.names if c in frame.columns] if table else list(frame.columns)
    text = frame[columns].to_csv(index=False, lineterminator="\n")
    one_name = len(columns) == 1 and any(c in str(columns[0]) for c in ";\t")
    if "\r" in text or one_name:
        # One column named with ';' or a tab would read back as a wrongly delimited header: quote it.
        # csv quotes a cell holding "\n" but not one holding a bare "\r" when lines end in "\n";
        # unquoted, that "\r" would end the row on reading. Quote every cell instead.
        text = frame[columns].to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    return text.encode("utf-8")
