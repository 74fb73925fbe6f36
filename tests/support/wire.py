"""Helpers for the wire tests: walk the commands the bot registered, fill their options."""

from __future__ import annotations

from typing import Any

from tests.wire.standin import StandIn


def leaves(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """("name sub", options) for every runnable leaf of a command."""
    subs = [o for o in command.get("options", []) if o["type"] in (1, 2)]
    if not subs:
        return [(command["name"], command.get("options", []))]
    found = []
    for sub in subs:
        for name, options in leaves(sub):
            found.append((f"{command['name']} {name}", options))
    return found


def option_value(option: dict[str, Any], standin: StandIn) -> Any:
    """A plausible value for a required option, by its type."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    world = standin.world
    by_type = {
        3: "Soundtrack #1",
        4: option.get("min_value", 1),
        5: False,
        6: world.id("member"),
        7: world.id("general"),
        8: world.id("Moderator"),
        9: world.id("member"),
        10: float(option.get("min_value", 1)),
        # An attachment is named by its snowflake; the member is refused before it is read.
        11: world.snowflake(),
    }
    return by_type.get(option["type"], "x")
