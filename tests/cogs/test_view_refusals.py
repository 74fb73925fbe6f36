"""A refusal from a button or a modal is an answered interaction, not a bot failure.

SimCord's preview page marks an action failed ("Action outcome uncertain", the red
"The bot action failed" badge) exactly when ``Env.errors`` grew during it; for views and
modals that is whatever reaches ``View.on_error`` / ``Modal.on_error``.
"""

from __future__ import annotations

from bot.services import announcer
from bot.ui.errors import UserFacingError
from tests.support.discord import open_to_everyone


async def _preview(world):
    await open_to_everyone(world, "announce")
    result = await world.moderator.slash(
        world.general, "announce add", show="soundtrack-1", when="in 2m", text="Soon!"
    )
    assert result.ephemeral
    assert result.response.components
    return result


async def test_confirm_after_the_time_passed_is_a_refusal_not_a_failure(world):
    shown = await _preview(world)
    await world.env.advance_time(3 * 60)
    before = world.env.error_cursor
    pressed = await world.moderator.click(shown.response, custom_id="announce:confirm")
    (told,) = pressed.followups  # Confirm defers first; the refusal follows, ephemeral
    assert told.content.startswith("That time has passed")
    assert world.env.errors_since(before) == ()
    assert [type(e) for e in world.refusals] == [UserFacingError]
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id, kinds=announcer.KINDS) == []


async def test_a_bug_behind_confirm_still_counts_as_a_failure(world, monkeypatch):
    shown = await _preview(world)

    async def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(announcer, "add_custom", broken)
    before = world.env.error_cursor
    pressed = await world.moderator.click(shown.response, custom_id="announce:confirm")
    (told,) = pressed.followups
    assert told.content.startswith("Something went wrong")
    assert [type(e) for e in world.env.errors_since(before)] == [ZeroDivisionError]
    assert len(world.env.errors) == 1  # reading them acknowledges the one expected bug


async def test_a_modal_submitted_for_a_removed_show_is_a_refusal_not_a_failure(world):
    shown = await world.admin.slash(
        world.general, "admin show edit", field="synopsis", source="nme"
    )
    assert shown.modal is not None
    await world.admin.slash(world.general, "admin show remove", show="soundtrack-1")
    before = world.env.error_cursor
    submitted = await world.admin.submit_modal(shown, {"synopsis": "Too late."})
    assert submitted.response.ephemeral
    assert "change #" not in submitted.response.content
    assert "went wrong" not in submitted.response.content
    assert world.env.errors_since(before) == ()
    assert world.refusals
    assert isinstance(world.refusals[-1], UserFacingError)
