"""Discord behaviour SimCord 3.2 does not model yet, filled in for the sandbox and tests.

Each shim lets the bot's real, Discord-correct call run against SimCord; none changes
what the bot sends.
"""

from __future__ import annotations

from typing import Any

import simcord.http.router as sim_router
import simcord.interactions as sim_interactions


def forum_pin_routes(pinned: dict[int, bool]) -> list[Any]:
    """SimCord's PATCH route table, accepting a forum post's ``pinned`` flag.

    SimCord refuses ``flags`` on ``PATCH /channels/{id}`` (UnsupportedField); Discord
    pins a forum post exactly that way (flags bit 1 << 1). The returned table records
    the flag in ``pinned`` and echoes it back. Install it over ``_ROUTES["PATCH"]``.
    """
    routes = sim_router._ROUTES["PATCH"]
    index = next(i for i, (tpl, _) in enumerate(routes) if tpl == ["channels", "{channel_id}"])
    template, original = routes[index]

    def edit_channel(ctx: Any) -> Any:
        flags = ctx.body().pop("flags", None)
        payload = original(ctx)
        if flags is not None:
            pinned[ctx.int_arg("channel_id")] = bool(int(flags) & 2)
            payload["flags"] = int(flags)
        return payload

    patched = list(routes)
    patched[index] = (template, edit_channel)
    return patched


def client_locales(locales: dict[int, str]) -> Any:
    """SimCord's interaction payload builder, sending each listed user's client locale.

    SimCord sends ``locale: en-US`` for everyone; a Korean Discord client sends ``ko``,
    and the bot answers in the interaction's locale. Install the returned function over
    ``simcord.interactions.base_payload``; ``locales`` maps user id → locale.
    """
    original = sim_interactions.base_payload

    def base_payload(backend: Any, **kwargs: Any) -> Any:
        record, payload = original(backend, **kwargs)
        locale = locales.get(kwargs["user_id"])
        if locale is not None:
            payload["locale"] = locale
        return record, payload

    return base_payload
