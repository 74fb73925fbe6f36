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


def history_after_routes() -> list[Any]:
    """SimCord's GET route table, answering ``after=`` as Discord does.

    Discord's channel history with ``after`` (and no ``before`` or ``around``) returns
    the ``limit`` messages right after that id, i.e. the oldest ones; SimCord 3.2
    returns the newest ``limit`` after it, so ``history(oldest_first=True, limit=n)``
    there reads the last n messages instead of the first n. The returned table keeps
    SimCord's answer order (newest first). Install it over ``_ROUTES["GET"]``.
    """
    routes = sim_router._ROUTES["GET"]
    template = ["channels", "{channel_id}", "messages"]
    index = next(i for i, (tpl, _) in enumerate(routes) if tpl == template)
    original = routes[index][1]

    def get_history(ctx: Any) -> Any:
        params = ctx.params
        if "after" not in params or "before" in params or "around" in params:
            return original(ctx)
        limit = int(params.get("limit", 50))
        ctx.params = {**params, "limit": 1_000_000}
        try:
            everything = original(ctx)  # newest first, all after the id
        finally:
            ctx.params = params
        return everything[-limit:] if limit else []

    patched = list(routes)
    patched[index] = (template, get_history)
    return patched
