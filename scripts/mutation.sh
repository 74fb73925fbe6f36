#!/usr/bin/env bash
# Mutation testing over the modules behind the README's promises (see docs/mutation.md).
# Not part of CI: it takes about half an hour on two cores. Needs the mutation extra:
#   pip install -e '.[test,sandbox,mutation]'
# Usage: scripts/mutation.sh [module ...]   e.g. scripts/mutation.sh bot.domain.spoilers
# Each module runs niced, under its own time cap (MUTATION_MODULE_SECONDS, default 600);
# results accumulate in mutants/ (a re-run only tries what has no result yet), and the
# per-module figures are printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
CAP=${MUTATION_MODULE_SECONDS:-600}
CHILDREN=${MUTATION_CHILDREN:-2}
MODULES=("$@")
if [ ${#MODULES[@]} -eq 0 ]; then
    MODULES=(
        bot.domain.spoilers
        bot.ui.checks
        bot.services.lookup
        bot.store.timers
        bot.services._outcomes
        bot.services.scheduler
        bot.services.announcer
        bot.services.discussions._channel
        bot.services.discussions._opener
    )
fi
mkdir -p mutants
for module in "${MODULES[@]}"; do
    echo "== $module (at most ${CAP}s)"
    timeout --signal=INT "$CAP" nice -n 10 "$PYTHON" -m mutmut run --max-children "$CHILDREN" \
        "$module.*" > "mutants/run-$module.log" 2>&1 || echo "   (stopped: see mutants/run-$module.log)"
done
"$PYTHON" -m mutmut results --all true | "$PYTHON" -c '
import collections, re, sys
counts = collections.defaultdict(collections.Counter)
for line in sys.stdin:
    found = re.match(r"\s*(\S+?)\.(?:x_|xǁ)\S*__mutmut_\d+: (\w[\w ]*)", line)
    if found:
        counts[found.group(1)][found.group(2)] += 1
print(f"{\"module\":40} {\"mutants\":>7} {\"killed\":>6} {\"survived\":>8} {\"other\":>5}")
for module, c in sorted(counts.items()):
    other = sum(c.values()) - c["killed"] - c["survived"]
    print(f"{module:40} {sum(c.values()):7} {c[\"killed\"]:6} {c[\"survived\"]:8} {other:5}")
'
