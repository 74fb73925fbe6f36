"""Mutants, killed and survived per module, from ``mutmut results --all true`` on stdin."""

from __future__ import annotations

import collections
import re
import sys

LINE = re.compile(r"\s*(\S+?)\.(?:x_|xǁ)\S*__mutmut_\d+: (\w[\w ]*)")


def main() -> None:
    """Print one row per module (the statuses other than killed/survived: timeouts count
    as killed by mutmut's own reckoning are listed apart, as 'other')."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in sys.stdin:
        found = LINE.match(line)
        if found:
            counts[found.group(1)][found.group(2).strip()] += 1
    print(f"{'module':38} {'mutants':>7} {'killed':>6} {'survived':>8} {'timeout':>7} {'other':>5}")
    for module, c in sorted(counts.items()):
        total = sum(c.values())
        other = total - c["killed"] - c["survived"] - c["timeout"]
        print(f"{module:38} {total:7} {c['killed']:6} {c['survived']:8} {c['timeout']:7} {other:5}")


if __name__ == "__main__":
    main()
