"""Shared pieces for views and modals, so their errors take the one error path, and the
listener that answers a press nobody handles (an expired view, a second press)."""

from __future__ import annotations

import functools
import logging
from typing import Any

import discord

from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.ui.tree import is_refusal, reply_error, unwrap

log = logging.getLogger(__name__)

# Set in ``interaction.extras`` by a view or modal that took the interaction.
CLAIMED = "kdrama_claimed"
_ANSWERS_REFUSALS = "__kdrama_answers_refusals__"


def answering_refusals(callback: Any) -> Any:
    """Wrap a button callback or ``on_submit`` so an expected refusal is its answer.

    discord.py hands whatever a callback raises to ``View.on_error``/``Modal.on_error``,
    and tools watching the bot (SimCord's preview page, error trackers hooked there)
    count each as a failed interaction: "Action outcome uncertain", a red badge. A
    refusal ("that time has passed", a removed show) is the callback doing its job: it
    is answered here, as :class:`~bot.ui.tree.BotTree` does for slash commands, and
    dispatched as ``app_command_refusal``; bugs still reach ``on_error``.
    """
    if getattr(callback, _ANSWERS_REFUSALS, False):
        return callback

    @functools.wraps(callback)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except Exception as error:
            interaction = next((a for a in args if isinstance(a, discord.Interaction)), None)
            if interaction is None or not is_refusal(error):
                raise
            await reply_error(interaction, error)
            interaction.client.dispatch("app_command_refusal", interaction, unwrap(error))
            return None

    setattr(wrapper, _ANSWERS_REFUSALS, True)
    return wrapper


def _claiming(check: Any) -> Any:
    """Wrap an ``interaction_check`` so it marks the interaction as taken, and answers a
    refusal (discord.py drops a refused press silently: "This interaction failed")."""

    @functools.wraps(check)
    async def wrapper(self: Any, interaction: discord.Interaction, /) -> bool:
        interaction.extras[CLAIMED] = True
        allowed = await check(self, interaction)
        if not allowed and not interaction.response.is_done():
            await interaction.response.send_message(
                t("error.not_yours", interaction), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        return allowed

    return wrapper


class _Claims:
    """Mixin: every subclass's ``interaction_check`` marks the interaction as handled.

    discord.py runs the check first thing in the item's task, which starts before the
    ``on_interaction`` listener's task: by the time :func:`answer_unclaimed` looks, a
    live view has already said "mine".
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "interaction_check" in cls.__dict__:
            cls.interaction_check = _claiming(cls.__dict__["interaction_check"])  # type: ignore[method-assign]

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Anyone may use it unless a subclass says otherwise."""
        interaction.extras[CLAIMED] = True
        return True


class View(_Claims, discord.ui.View):
    """A view whose callback errors are answered like command errors, and whose
    refusals are answers, not failures (see :func:`answering_refusals`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in self.walk_children():
            item.callback = answering_refusals(item.callback)  # type: ignore[method-assign]

    def add_item(self, item: discord.ui.Item[Any]) -> View:
        """Add ``item`` with its callback's refusals answered."""
        item.callback = answering_refusals(item.callback)  # type: ignore[method-assign]
        super().add_item(item)
        return self

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Send the user a short ephemeral message instead of "This interaction failed"."""
        await reply_error(interaction, error)


class Modal(_Claims, discord.ui.Modal):
    """A modal whose submit errors are answered like command errors, and whose
    refusals are answers, not failures (see :func:`answering_refusals`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "on_submit" in cls.__dict__:
            cls.on_submit = answering_refusals(cls.__dict__["on_submit"])  # type: ignore[method-assign]

    # discord.py's Modal.on_error drops BaseView's ``item`` argument; mypy flags any
    # override of it for that, ours included.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        """Send the user a short ephemeral message instead of "Something went wrong"."""
        await reply_error(interaction, error)


def _dynamic(interaction: discord.Interaction, custom_id: str) -> bool:
    """Whether a registered DynamicItem (persistent, never expiring) handles ``custom_id``.

    discord.py keeps the patterns in its view store and offers no public lookup; if that
    internal ever moves, this says "handled", so nothing is ever answered twice.
    """
    store = getattr(getattr(interaction.client, "_connection", None), "_view_store", None)
    patterns = getattr(store, "_dynamic_items", None)
    if patterns is None:
        return True
    return any(pattern.fullmatch(custom_id) for pattern in patterns)


async def answer_unclaimed(interaction: discord.Interaction) -> None:
    """Answer a button press or modal submit that no live view took.

    discord.py silently drops a press on a view that timed out or stopped (a Confirm
    pressed twice): the user would see "This interaction failed". They get a short
    ephemeral note instead.
    """
    if interaction.type not in (
        discord.InteractionType.component,
        discord.InteractionType.modal_submit,
    ):
        return
    custom_id = str(interaction.data.get("custom_id", "")) if interaction.data else ""
    if interaction.extras.get(CLAIMED) or interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.component and _dynamic(interaction, custom_id):
        return
    try:
        await interaction.response.send_message(
            t("error.expired", interaction), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
    except discord.HTTPException:
        log.warning("could not answer the expired interaction %s", interaction.id)
