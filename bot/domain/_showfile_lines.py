"""Best-effort line numbers for problem paths, found by scanning the file's text.

Cheap and approximate on purpose: it follows the path's keys through the text in order
(``[[episodes]]`` headers are counted for indexes) and gives up quietly when lost.
"""

from __future__ import annotations

import re

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def locate(text: str, path: str, fmt: str = "toml") -> int | None:
    """The line (1-based) where ``path`` most likely sits in ``text``, or None."""
    if not path:
        return None
    pos, found, header = 0, None, ""
    for name, index in _PART.findall(path):
        if index:
            if fmt == "toml" and header:
                # An array of tables: the n-th [[header]] is the n-th item.
                hits = list(re.finditer(rf"(?m)^\s*\[\[\s*{re.escape(header)}\s*\]\]", text))
                if int(index) < len(hits):
                    pos = hits[int(index)].end()
                    found = pos
            continue
        header = f"{header}.{name}" if header else name
        key = re.escape(name)
        # TOML: a key in a table, in a header such as [characters.lee-eun-soo], or quoted.
        toml_key = rf'(?m)(^|[\s{{,.\[])"?{key}"?\s*(=|\]|\.)'
        pattern = rf'"{key}"\s*:' if fmt == "json" else toml_key
        match = re.compile(pattern).search(text, pos)
        if match is None:
            break
        pos, found = match.end(), match.start()
    if found is None:
        return None
    return text.count("\n", 0, found) + 1 + (1 if text[found] == "\n" else 0)
