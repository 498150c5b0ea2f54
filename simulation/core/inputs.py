"""Reading the text files users exchange (scenario TOML), numbers checked, and writing values.

Everything here turns a bad file into one :class:`~simulation.core.errors.ScenarioError` line that
names the file, what is wrong and what is allowed - never a traceback:

- :func:`read_text`: UTF-8 (with or without a byte-order mark); binary, gzip, UTF-16/32 and
  Latin-1/Windows-1252 files are named as such.
- :func:`parse_toml` (and :func:`parse_value` for one ``--set`` value): TOML syntax, integers
  over Python's 4,300-digit limit or beyond the float range, nesting deeper than a scenario ever
  needs.
- :func:`finite_float`: the number check of scenario validation (no bools, no NaN/inf, no
  integers that overflow a float).
- :func:`toml_value`: one value as TOML, written by tomli-w (so any Unicode string, emoji
  included, round-trips).
"""

from __future__ import annotations

import math
import os
import stat
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping

import tomli_w

from .errors import PausesimError, ScenarioError

#: Deepest nesting a pausesim TOML document may have. A scenario needs 3 (section, parameter
#: table, list value); the margin keeps hand-written files working while refusing the thousands
#: of levels that exhaust the recursion limit of tomllib and of anything that walks the result.
MAX_DEPTH = 8

_UTF8_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


class TOMLSyntaxError(ScenarioError):
    """Text that is not TOML at all (as opposed to TOML with an unacceptable value)."""


#: Largest input file pausesim reads (a scenario, areas, posterior or draws file; a workbook
#: unpacked): the largest it ships is 0.2 MB.
MAX_INPUT_BYTES = 50 * 2 ** 20


def check_regular_file(path: str | Path, what: str) -> None:
    """One line unless ``path`` is a regular file of at most :data:`MAX_INPUT_BYTES` (a device
    such as /dev/zero never ends, a named pipe blocks on opening) or does not exist (the
    caller's own message names that)."""
    try:
        info = os.stat(path)
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(f"{path}: is a device, pipe or socket, not a {what} (allowed: a "
                            "regular file)")
    if info.st_size > MAX_INPUT_BYTES:
        raise ScenarioError(f"{path}: is {info.st_size / 2 ** 20:,.0f} MB, more than the "
                            f"{MAX_INPUT_BYTES // 2 ** 20} MB a {what} may be")


def read_text(path: str | Path, what: str = "scenario file") -> str:
    """The text of a UTF-8 file (a leading byte-order mark is dropped)."""
    path = Path(path)
    allowed = "allowed: a UTF-8 text file"
    try:
        if path.is_dir():
            raise IsADirectoryError
        check_regular_file(path, what)
        data = path.read_bytes()
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a folder, not a {what} ({allowed})") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read {what} ({exc.strerror})") from None
    if data.startswith(_GZIP_MAGIC):
        raise ScenarioError(f"{path}: is gzip-compressed, not a {what}: decompress it first "
                            f"({allowed})")
    if data.startswith(_UTF32_BOMS):
        raise ScenarioError(f"{path}: is UTF-32 text: save it as UTF-8 ({allowed})")
    if data.startswith(_UTF16_BOMS):
        raise ScenarioError(f"{path}: is UTF-16 text: save it as UTF-8 ({allowed})")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    if b"\x00" in data:  # no text encoding but UTF-16/32 puts NUL bytes in ASCII text
        hint = "UTF-16 text without a byte-order mark" if _looks_utf16(data) else "a binary file"
        raise ScenarioError(f"{path}: is {hint}, not a {what} ({allowed})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start]
        guess = ""
        try:
            guess = f" ({bytes([byte]).decode('cp1252')!r} in Windows-1252/Latin-1)"
        except UnicodeDecodeError:
            pass
        raise ScenarioError(f"{path}: is not UTF-8: byte 0x{byte:02x} on line {line}{guess}; "
                            f"save it as UTF-8 ({allowed})") from None


def _looks_utf16(data: bytes) -> bool:
    """Mostly-ASCII UTF-16 has a NUL in every other byte."""
    sample = data[:512]
    return sample[1::2].count(0) > 0.4 * len(sample[1::2]) or \
        sample[0::2].count(0) > 0.4 * len(sample[0::2])


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    """Parse TOML ``text`` (from ``origin``, named in errors); refuse what would break later."""
    data = _loads(text, origin)
    _check_tree(data, origin, "", 1)
    return data


def _loads(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TOMLSyntaxError(f"{origin}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ScenarioError(f"{origin}: nested too deeply to read (allowed: at most {MAX_DEPTH} "
                            "levels of tables and lists)") from None
    except ValueError as exc:  # int() refuses more than sys.get_int_max_str_digits() digits
        raise ScenarioError(f"{origin}: an integer is too long ({_first_line(exc)}; allowed: "
                            "numbers within each parameter's range)") from None


def parse_value(raw: str, origin: str) -> Any:
    """One TOML value, as in ``--set KEY=VALUE``: a number, true/false, a [list] or a "string";
    text that is not a TOML value is taken as the string itself."""
    if "\n" in raw or "\r" in raw:
        raise ScenarioError(f"{origin}: the value must be on one line")
    try:
        data = _loads(f"value = {raw}", origin)
    except TOMLSyntaxError:
        return raw
    if list(data) != ["value"]:
        return raw
    _check_tree({"": data["value"]}, origin, "", 1)  # "" names nothing: origin names the key
    return data["value"]


def _check_tree(node: Any, origin: str, where: str, depth: int) -> None:
    """Depth first, stopping at :data:`MAX_DEPTH` (so it cannot itself recurse too deeply)."""
    if depth > MAX_DEPTH:
        raise ScenarioError(f"{origin}: {where or 'the document'} is nested too deeply (allowed: "
                            f"at most {MAX_DEPTH} levels of tables and lists)")
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        name = f"{where}[{key}]" if isinstance(node, list) else \
            (f"{where}.{key}" if where else str(key))
        if isinstance(value, int) and not isinstance(value, bool) and finite_float(value) is None:
            raise ScenarioError(f"{origin}: {name + ' = ' if name else ''}an integer of "
                                f"{_digits(value)} digits is "
                                "invalid: must be a number within the parameter's range (at "
                                f"most {sys.float_info.max:.3g})")
        if isinstance(value, (dict, list)):
            _check_tree(value, origin, name, depth + 1)


def _digits(value: int) -> int:
    return len(str(abs(value)))


def _first_line(exc: BaseException) -> str:
    return str(exc).split(";")[0].splitlines()[0]


def name_list(option: str, given: str | Iterable[str] | None) -> list[str] | None:
    """The names an option lists (comma-separated text, or a list), stripped; None when the
    option is not given. Given but naming nothing (``--targets ,``) is a one-line error: it
    must not fall back to the option's default."""
    if given is None:
        return None
    items = given.split(",") if isinstance(given, str) else list(given)
    names = [t.strip() for t in items if t.strip()]
    if not names:
        raise PausesimError(f"{option} {given!r} names nothing: give comma-separated names, "
                            "or leave the option out")
    return names


#: Longest name in a path and longest path (bytes) Linux file systems take, and the deepest a
#: path may go (deeper ones exceed Python's recursion limit when their folders are made).
NAME_MAX, PATH_MAX, MAX_FOLDERS = 255, 4095, 255


def check_path(what: str, path: str | os.PathLike) -> None:
    """One line if ``path`` (given by the user as ``what``: ``--out``, ``scenario``...) is too
    long for the file system, or nested too deeply, rather than an OSError or RecursionError
    later."""
    text = os.fspath(path)
    parts = Path(text).parts
    longest = max(parts, key=lambda part: len(os.fsencode(part)), default="")
    if len(os.fsencode(longest)) > NAME_MAX:
        problem = f"a name of {len(os.fsencode(longest)):,} bytes ({clip(longest, 20)!r})"
        allowed = f"names of at most {NAME_MAX} bytes"
    elif len(os.fsencode(os.path.abspath(text))) > PATH_MAX:
        problem, allowed = "the path is too long", f"at most {PATH_MAX:,} bytes in all"
    elif len(parts) > MAX_FOLDERS:
        problem, allowed = f"{len(parts):,} folders deep", f"at most {MAX_FOLDERS}"
    else:
        return
    raise ScenarioError(f"{what} {clip(text)!r} is invalid: {problem} (allowed: {allowed})")


def check_text(text: str, where: str, multiline: bool = False) -> str:
    """``text`` if it holds no control character, surrogate or noncharacter (which no
    spreadsheet, XML file or terminal line can carry); line breaks and tabs only if
    ``multiline``. Else one :class:`ScenarioError` line: ``WHERE = 'shown' is invalid ...``."""
    for char in text:
        code = ord(char)
        if multiline and char in "\t\n\r":
            continue
        if unicodedata.category(char) in ("Cc", "Cs") or 0xFDD0 <= code <= 0xFDEF \
                or code & 0xFFFE == 0xFFFE:
            allowed = "printable text, line breaks and tabs" if multiline else \
                "printable text on one line"
            raise ScenarioError(f"{where} = {clip(text)!r} is invalid: holds the control "
                                f"character U+{code:04X} (allowed: {allowed})")
    return text


def clip(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for an error line (``...`` marks the cut)."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def finite_float(value: Any) -> float | None:
    """``value`` as a float if it is a real, finite number (not a bool); else None.

    Integers too large for a float (``10**400``) give None rather than OverflowError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


# ---------------------------------------------------------------------------- writing
def toml_value(value: Any) -> str:
    """One TOML value, on one line: strings, numbers and booleans as tomli-w writes them; lists
    and tables inline (``[1, 2]``, ``{ value = 3, source = "..." }``)."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value})[len("v = "):-1]


def _key(name: str) -> str:
    return tomli_w.dumps({name: 0})[:-len(" = 0\n")]
