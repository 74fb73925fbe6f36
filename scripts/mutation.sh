#!/usr/bin/env bash
# Mutation testing over the modules behind the README's promises (see docs/mutation.md).
# Not part of CI: it takes about half an hour on two cores. Needs the mutation extra:
#   pip install -e '.[test,sandbox,mutation]'
# Usage: scripts/mutation.sh [module[=seconds] ...]   e.g. scripts/mutation.sh bot.ui.checks=300
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
for entry in "${MODULES[@]}"; do
    module=${entry%%=*}  # "module=seconds" caps one module apart
    cap=$CAP
    [ "$entry" != "$module" ] && cap=${entry#*=}
    echo "== $module (at most ${cap}s)"
    timeout --signal=INT "$cap" nice -n 10 "$PYTHON" -m mutmut run --max-children "$CHILDREN" \
        "$module.*" > "mutants/run-$module.log" 2>&1 || echo "   (stopped: see mutants/run-$module.log)"
done
"$PYTHON" -m mutmut results --all true | "$PYTHON" scripts/mutation_figures.py
