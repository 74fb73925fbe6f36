"""A small TOML writer for show files (stdlib reads TOML but cannot write it).

Written for the show-file structure only: strings, integers, booleans, arrays and tables.
``tomli-w`` would do, but the foundation keeps runtime dependencies to the four it needs,
and this is short, with a round-trip test against ``tomllib``.
"""

from __future__ import annotations

import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b"}
_ESCAPES["\f"] = "\\f"


def dumps(data: dict[str, Any]) -> str:
    """``data`` as TOML text that ``tomllib.loads`` reads back equal."""
    lines: list[str] = []
    _table(lines, data, [], in_array=False)
    return "\n".join(lines).strip() + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _is_flat(value: dict[str, Any]) -> bool:
    return not any(isinstance(v, dict) or _is_table_array(v) for v in value.values())


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _table(lines: list[str], table: dict[str, Any], path: list[str], *, in_array: bool) -> None:
    """Key/values first, then sub-tables: a header would otherwise capture later keys."""
    # Shallow arrays of tables read best as [[headers]]; deeper ones (an actor's
    # known_for) and small tables inside array items read best inline.
    headed = len(path) <= 1
    later: list[tuple[str, Any]] = []
    for key, value in table.items():
        sub_table = isinstance(value, dict) and not (in_array and _is_flat(value))
        if sub_table or (_is_table_array(value) and (headed or not all(map(_is_flat, value)))):
            later.append((key, value))
        elif _is_table_array(value) and len(value) > 1:
            # One inline table per line, as the bundled file writes them.
            items = "".join(f"  {_value(v)},\n" for v in value)
            lines.append(f"{_key(key)} = [\n{items}]")
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in later:
        sub = [*path, key]
        header = ".".join(_key(k) for k in sub)
        if isinstance(value, dict):
            # A table of only tables needs no header line of its own.
            if not all(isinstance(v, dict) for v in value.values()) or not value:
                lines.extend(["", f"[{header}]"])
            _table(lines, value, sub, in_array=False)
        else:
            for item in value:
                lines.extend(["", f"[[{header}]]"])
                _table(lines, item, sub, in_array=True)
