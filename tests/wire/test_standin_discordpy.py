"""The routes the feature branches will use, driven by discord.py itself (in process).

kdrama-bot on this branch only has /ping; these prove the stand-in answers the thread,
forum, pin, scheduled-event and role routes in shapes discord.py parses, so wire tests for
announcements and discussions can be written straight against it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from tests.wire.standin import StandIn
from tests.wire.standin.rest import install_commands

NO_MENTIONS = discord.AllowedMentions.none()


@pytest.fixture
async def client(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator:
    """A discord.py client connected to the stand-in, READY."""
    monkeypatch.setattr(discord.http.Route, "BASE", standin.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url))
    intents = discord.Intents(guilds=True, guild_scheduled_events=True)
    bot = discord.Client(intents=intents, allowed_mentions=NO_MENTIONS, guild_ready_timeout=0.05)
    ready = asyncio.Event()
    bot.event(_setter(ready))
    runner = asyncio.create_task(bot.start(standin.token))
    await asyncio.wait_for(ready.wait(), 10)
    yield bot
    await bot.close()
    await runner


def _setter(ready: asyncio.Event):
    async def on_ready() -> None:
        ready.set()

    return on_ready


def _guild(standin: StandIn, client: discord.Client) -> discord.Guild:
    guild = client.get_guild(int(standin.world.id("guild")))
    assert guild is not None
    return guild


async def test_a_resent_message_with_the_same_nonce_is_one_message(standin, client) -> None:
    channel = _guild(standin, client).get_channel(int(standin.world.id("announcements")))
    first = await channel.send("Episode 1 is out", nonce="timer-1")
    again = await channel.send("Episode 1 is out", nonce="timer-1")
    assert again.id == first.id
    assert len(standin.world.messages[str(channel.id)]) == 1


async def test_forum_post_with_a_tag_then_pin_and_archive(standin, client) -> None:
    guild = _guild(standin, client)
    forum = guild.get_channel(int(standin.world.id("discussion")))
    assert isinstance(forum, discord.ForumChannel)
    tag = forum.available_tags[0]
    post = await forum.create_thread(
        name="Episode 1 discussion", content="Spoilers inside", applied_tags=[tag]
    )
    await post.message.pin()
    await post.thread.edit(archived=True)
    stored = standin.world.channels[str(post.thread.id)]
    assert stored["applied_tags"] == [str(tag.id)]
    assert stored["thread_metadata"]["archived"]
    assert standin.world.messages[str(post.thread.id)][0]["pinned"]
    archived = [t async for t in forum.archived_threads()]
    assert [t.id for t in archived] == [post.thread.id]
    assert (await guild.active_threads()) == []


async def test_thread_from_a_message_and_the_thread_create_event(standin, client) -> None:
    guild = _guild(standin, client)
    general = guild.get_channel(int(standin.world.id("general")))
    message = await general.send("Watch party tonight")
    thread = await message.create_thread(name="Watch party")
    assert thread.id == message.id
    # THREAD_CREATE came back over the gateway into discord.py's cache.
    await standin.wait_until(lambda: guild.get_thread(thread.id) is not None, what="the cache")


async def test_scheduled_event_and_member_roles(standin, client) -> None:
    guild = _guild(standin, client)
    start = datetime.now(UTC) + timedelta(days=1)
    event = await guild.create_scheduled_event(
        name="Premiere watch party",
        start_time=start,
        end_time=start + timedelta(hours=2),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="#general",
    )
    assert standin.world.events[str(event.id)]["name"] == "Premiere watch party"
    role = await guild.create_role(name="Episode pings")
    member = discord.Object(int(standin.world.id("member")))
    await guild._state.http.add_role(guild.id, member.id, role.id)
    assert str(role.id) in standin.world.members[str(guild.id)][str(member.id)]["roles"]


class _NoteModal(discord.ui.Modal, title="A note"):
    text = discord.ui.TextInput(label="Note", custom_id="text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.text.value}", ephemeral=True)


class _OpenView(discord.ui.View):
    @discord.ui.button(label="Write a note", custom_id="open")
    async def open(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(_NoteModal())


async def test_autocomplete_a_button_and_a_modal_reach_their_handlers(standin, client) -> None:
    tree = discord.app_commands.CommandTree(client)

    @tree.command(name="pick", description="Pick a show")
    async def pick(interaction: discord.Interaction, show: str) -> None:
        await interaction.response.send_message(f"picked {show}", view=_OpenView())

    @pick.autocomplete("show")
    async def shows(interaction: discord.Interaction, current: str) -> list:
        titles = ["Soundtrack #1", "Snowdrop"]
        return [discord.app_commands.Choice(name=t, value=t) for t in titles if current in t]

    install_commands(standin, "global", [c.to_dict(tree) for c in tree.get_commands()])
    choices = await (
        await standin.autocomplete("member", "general", "pick", "show", "Sound")
    ).wait()
    assert choices["choices"] == [{"name": "Soundtrack #1", "value": "Soundtrack #1"}]
    picked = await (await standin.slash("member", "general", "pick", show="Soundtrack #1")).wait()
    assert picked["content"] == "picked Soundtrack #1"
    assert standin.world.messages[standin.world.id("general")] == [picked]  # visible to all
    opened = await standin.click("member", picked, "open")
    await standin.wait_until(lambda: opened.modal is not None, what="the modal")
    noted = await (await standin.submit_modal("member", opened, {"text": "loved it"})).wait()
    assert noted["content"] == "noted: loved it"
