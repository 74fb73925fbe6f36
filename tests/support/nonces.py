"""Discord's ``enforce_nonce`` on message sends, which SimCord 3.2 ignores, and a send
that Discord stores but whose answer never reaches the bot.

Discord (Create Message): with ``enforce_nonce`` and a ``nonce``, "it will be checked
for uniqueness in the past few minutes. If another message was created by the same
author with the same nonce, that message will be returned and no new message will be
created." SimCord accepts the two fields and drops them, so a repeated send always
makes a second message there. :func:`install` wraps SimCord's
``POST /channels/{id}/messages`` route with that rule (every send in these tests is
the bot's, so the author is always the same) and with an after-commit fault: the
message is stored, then the bot is answered 500, as when a connection drops after
Discord committed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import simcord.http.router as sim_router
from simcord.backend.errors import BackendError

# Discord says only "the past few minutes"; five is this stand-in's choice, longer than
# any retry in these tests and far shorter than a week between two episodes.
WINDOW_SECONDS = 5 * 60


@dataclass
class Nonces:
    """What the wrapped route remembers: each nonce's message, and the answers to lose."""

    sent: dict[str, tuple[float, Any]] = field(default_factory=dict)
    answers_to_lose: dict[int, Callable[[], object]] = field(default_factory=dict)
    repeats: list[str] = field(default_factory=list)

    def lose_next_answer(self, channel_id: int, then: Callable[[], object] = lambda: None):
        """The next send into ``channel_id`` is stored, ``then`` runs (what else happens
        in the channel meanwhile), and the bot is answered 500."""
        self.answers_to_lose[channel_id] = then


def install(monkeypatch) -> Nonces:
    """Teach SimCord's message send Discord's nonce rule (for this test only)."""
    state = Nonces()
    routes = sim_router._ROUTES["POST"]
    template = ["channels", "{channel_id}", "messages"]
    index = next(i for i, (tpl, _) in enumerate(routes) if tpl == template)
    original = routes[index][1]

    def send_message(ctx: Any) -> Any:
        body = ctx.json if isinstance(ctx.json, dict) else {}
        nonce = str(body["nonce"]) if body.get("enforce_nonce") and body.get("nonce") else None
        now = ctx.backend.clock.now().timestamp()
        if nonce is not None and nonce in state.sent:
            at, answered = state.sent[nonce]
            if now - at <= WINDOW_SECONDS:
                state.repeats.append(nonce)
                return copy.deepcopy(answered)
        payload = original(ctx)
        if nonce is not None:
            state.sent[nonce] = (now, copy.deepcopy(payload))
        meanwhile = state.answers_to_lose.pop(ctx.int_arg("channel_id"), None)
        if meanwhile is not None:
            meanwhile()
            raise BackendError(500, 0, "the answer was lost after Discord stored the message")
        return payload

    patched = list(routes)
    patched[index] = (template, send_message)
    monkeypatch.setitem(sim_router._ROUTES, "POST", patched)
    return state
