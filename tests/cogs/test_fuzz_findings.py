"""Regression tests for what the command fuzz (tests/test_fuzz_commands.py) found."""

from __future__ import annotations

from bot.ui.errors import UserFacingError


def said(result) -> str:
    assert result.acknowledged, "the interaction was never answered"
    message = result.response or (result.followups[0] if result.followups else None)
    assert message is not None
    return message.content


async def test_reverting_a_removal_that_now_clashes_says_why(world):
    """RevertRefused took ``reason`` positionally and as a field: TypeError, 'Something
    went wrong'. A credit removed, its character removed, then the credit's removal
    reverted: restoring it breaks a foreign key, and the admin is told so."""
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    credit = await bot.db.fetchone(
        """SELECT c.id, ch.slug FROM credits c JOIN characters ch ON ch.id = c.character_id
           WHERE c.show_id IN (SELECT id FROM shows WHERE guild_id = ?) LIMIT 1""",
        (world.guild.id,),
    )
    removed = await world.admin.slash(world.general, "admin cast remove", credit=str(credit[0]))
    change = int(said(removed).split("change #")[1].split(";")[0])
    await world.admin.slash(world.general, "admin character remove", character=credit[1])
    result = await world.admin.slash(world.general, "admin revert", change_id=change)
    assert f"Can't revert #{change}" in said(result)
    for error in world.env.errors:
        assert isinstance(getattr(error, "original", error), UserFacingError), repr(error)


async def test_a_press_on_an_expired_history_page_is_answered(world):
    """discord.py drops a press on a timed-out view; the user saw 'This interaction
    failed'. Now they are told it expired."""
    for n in range(12):
        await world.admin.slash(
            world.general, "admin show edit", field="platform", value=f"Disney+ {n}", source="nme"
        )
    shown = await world.admin.slash(world.general, "admin history")
    assert shown.response.components
    await world.env.advance_time(3600)
    pressed = await world.admin.click(shown.response.message, custom_id="admin:history:older")
    assert "expired" in said(pressed)
    assert pressed.ephemeral
