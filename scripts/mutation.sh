#!/usr/bin/env bash
# Mutation testing over the modules behind the README's promises (see docs/mutation.md).
# Not part of CI: each module takes minutes to an hour on two cores. Needs the mutation
# extra:   pip install -e '.[test,sandbox,mutation]'
# Usage: scripts/mutation.sh [module[=seconds] ...]   e.g. scripts/mutation.sh bot.ui.checks=300
#
# Each module runs in its own work directory, mutants/<module>/ (git-ignored), with its
# own [tool.mutmut]: only that file is mutated, and only the tests that speak for it are
# run (SELECTION below). mutmut 3 then runs, per mutant, the selected tests that reach the
# mutated function. A narrow selection keeps that fast: the scheduler's loop, say, runs in
# every SimCord test, and would otherwise run them all per mutant. A mutant that survives
# the selection may still be killed by a test outside it: docs/mutation.md says which.
# Each module runs under `nice -n 15` (the machine is shared) and its own time cap
# (MUTATION_MODULE_SECONDS, default 600); results accumulate (a re-run only tries
# mutants without a result), and the per-module figures are printed at the end.
# MUTATION_MUTANTS='<glob> ...' tries (again) only the mutants whose names match, e.g.
#   MUTATION_MUTANTS='*x__open_one__mutmut_*' scripts/mutation.sh bot.services.discussions._opener
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
CAP=${MUTATION_MODULE_SECONDS:-600}
CHILDREN=${MUTATION_CHILDREN:-2}
read -ra NAMES <<< "${MUTATION_MUTANTS:-}"  # globs, split on spaces; none: every untried mutant
# Wall-time room for SimCord's settles under mutmut and nice (see tests/conftest.py).
export SIMCORD_SETTLE_TIMEOUT=${SIMCORD_SETTLE_TIMEOUT:-30}

# module -> the tests run against its mutants (pytest arguments, split as a shell would).
# The scheduler's own tests run on SQLite only (half the time; the backends differ in
# bot/store, whose timers module runs on both: its store tests on both, the scheduler's
# on SQLite). `-k 'not postgresql'`, not `-k sqlite`: the latter also drops the tests
# that take no store at all (error classification). The opener's tests open by hand
# (a second each) rather than advancing weeks of releases (5-11 s each under mutmut):
# what the weekly tests in test_discussions.py check of the opener, test_discussion_opening.py
# checks too.
declare -A SELECTION=(
    [bot.services._outcomes]="tests/services/test_outcomes.py tests/services/test_scheduler.py tests/services/test_scheduler_store_full.py"
    [bot.store.timers]="tests/store/test_timers.py tests/store/test_processes.py tests/services/test_outcomes.py tests/services/test_scheduler.py tests/services/test_scheduler_store_full.py tests/services/test_scheduler_lifecycle.py -k 'not postgresql or test_timers or test_processes'"
    [bot.services.scheduler]="tests/services/test_scheduler.py tests/services/test_scheduler_rate_limits.py tests/services/test_scheduler_api.py tests/services/test_scheduler_store_full.py tests/services/test_scheduler_lifecycle.py tests/services/test_outcomes.py -k 'not postgresql'"
    [bot.ui.checks]="tests/cogs/test_checks.py tests/cogs/test_config.py tests/cogs/test_admin_edit.py::test_configured_admin_role_grants_admin_commands tests/cogs/test_announce.py::test_member_cannot_plan_announcements_even_when_discord_shows_the_command tests/cogs/test_discussions.py::test_a_member_is_refused_the_moderator_commands tests/cogs/test_privacy.py::test_an_admin_exports_everything_stored_for_the_server tests/cogs/test_privacy.py::test_a_member_cannot_export_the_servers_data"
    [bot.services.lookup]="tests/members/test_typed_names.py tests/members/test_guild_isolation.py tests/cogs/test_show_option.py tests/members/test_autocomplete.py tests/members/test_show_commands.py::test_unknown_show_gets_a_private_did_you_mean tests/members/test_show_commands.py::test_unknown_character_suggests_at_most_three_names tests/members/test_show_commands.py::test_unknown_person_with_nothing_close_gets_no_suggestions tests/members/test_korean_and_buttons.py::test_korean_member_gets_korean_replies_and_show_data_as_stored"
    [bot.domain.spoilers]="tests/domain/test_spoilers.py tests/domain/test_card.py tests/members/test_spoilers_and_limits.py"
    [bot.services.discussions._channel]="tests/cogs/test_discussion_channel.py tests/cogs/test_discussion_adoption.py tests/cogs/test_discussion_lifecycle.py tests/cogs/test_config.py tests/cogs/test_discussions.py::test_bad_input_gets_a_clear_message_and_creates_nothing"
    [bot.services.announcer]="tests/cogs/test_notify_button.py tests/cogs/test_announce_notices.py tests/cogs/test_announce_reruns.py tests/cogs/test_announce_replans.py tests/cogs/test_announce.py tests/cogs/test_release_announcements.py tests/cogs/test_follows.py"
    [bot.services.discussions._opener]="tests/cogs/test_discussion_opening.py tests/cogs/test_discussion_nonces.py tests/cogs/test_discussion_lifecycle.py tests/cogs/test_discussion_adoption.py tests/cogs/test_discussion_channel.py tests/cogs/test_discussion_polls.py::test_a_crash_between_the_post_and_its_record_makes_neither_twice tests/cogs/test_discussions.py::test_bad_input_gets_a_clear_message_and_creates_nothing tests/cogs/test_discussions.py::test_an_archived_thread_left_by_a_crash_is_adopted_and_reopened"
)
# Most valuable first: what keeps timers exactly once, then who may do what, then the rest.
ORDER=(
    bot.services._outcomes bot.store.timers bot.services.scheduler bot.ui.checks
    bot.services.lookup bot.domain.spoilers bot.services.discussions._channel
    bot.services.announcer bot.services.discussions._opener
)

MODULES=("$@")
[ ${#MODULES[@]} -eq 0 ] && MODULES=("${ORDER[@]}")
mkdir -p mutants
for entry in "${MODULES[@]}"; do
    module=${entry%%=*}  # "module=seconds" caps one module apart
    cap=$CAP
    [ "$entry" != "$module" ] && cap=${entry#*=}
    if [ -z "${SELECTION[$module]+x}" ]; then
        echo "unknown module $module (known: ${ORDER[*]})" >&2
        exit 2
    fi
    work="mutants/$module"
    mkdir -p "$work"
    ln -sfn "$ROOT/bot" "$work/bot"
    ln -sfn "$ROOT/tests" "$work/tests"
    # mutmut copies bot/ into $work/mutants/ once and refreshes only its Python files: a
    # translation or bundled show changed since would be read stale, and the clean run
    # fail (a new i18n key read as missing). Bring every other file up to date.
    if [ -d "$work/mutants/bot" ]; then
        (cd bot && find . -type f ! -name '*.py' ! -name '*.pyc') | while read -r file; do
            cmp -s "bot/$file" "$work/mutants/bot/$file" || {
                mkdir -p "$(dirname "$work/mutants/bot/$file")"
                cp "bot/$file" "$work/mutants/bot/$file"
            }
        done
    fi
    # The project's pyproject (pytest reads its options from the copy too), with a
    # [tool.mutmut] for this module alone.
    "$PYTHON" - "$module" "${SELECTION[$module]}" > "$work/pyproject.toml" <<'EOF'
import json, re, shlex, sys
from pathlib import Path

module, selection = sys.argv[1], shlex.split(sys.argv[2])
LOG_LINE = r"^\s*log\.(debug|info|warning|error|exception|critical)\("
text = Path("pyproject.toml").read_text("utf-8")
section = (
    "[tool.mutmut]\n"
    'source_paths = ["bot"]\n'
    f"only_mutate = {json.dumps([module.replace('.', '/') + '.py'])}\n"
    'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
    # A log line's wording is no promise: lines that start a logging call are not mutated.
    f"do_not_mutate_patterns = {json.dumps([LOG_LINE])}\n\n"
)
print(re.sub(r"\[tool\.mutmut\]\n.*?\n(?=\[)", lambda _: section, text, flags=re.S), end="")
EOF
    echo "== $module (at most ${cap}s): ${SELECTION[$module]}"
    (cd "$work" && timeout --signal=INT "$cap" nice -n 15 "$PYTHON" -m mutmut run \
        --max-children "$CHILDREN" "${NAMES[@]}" > run.log 2>&1) || echo "   (stopped: see $work/run.log)"
done
for module in "${ORDER[@]}"; do
    [ -d "mutants/$module/mutants" ] || continue
    (cd "mutants/$module" && "$PYTHON" -m mutmut results --all true)
done | "$PYTHON" scripts/mutation_figures.py
