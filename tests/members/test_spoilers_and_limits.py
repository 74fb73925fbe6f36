"""Spoiler care through /watched, and replies that stay inside Discord's limits."""

from __future__ import annotations

from tests.support.catalog import episode_synopsis
from tests.support.discord import user_errors

EP1 = "Eun-soo moves in for two weeks."
EP3 = "Sun-woo finally says it."


async def test_synopses_past_a_members_progress_stay_behind_spoiler_bars(world, edit_show):
    await edit_show(episode_synopsis(1, EP1), episode_synopsis(3, EP3))
    before = (await world.member.slash(world.general, "episodes")).response.embeds[0]
    values = {f.name: f.value for f in before.fields}
    assert values["Episode 1"] == f"March 23, 2022\n||{EP1}||"
    assert values["Episode 3"] == f"April 6, 2022\n||{EP3}||"
    assert "/watched" in before.footer.text

    saved = await world.member.slash(world.general, "watched", show="soundtrack-1", episode=2)
    assert saved.ephemeral
    assert "up to episode 2" in saved.response.content

    after = (await world.member.slash(world.general, "episodes")).response.embeds[0]
    values = {f.name: f.value for f in after.fields}
    assert values["Episode 1"] == f"March 23, 2022\n{EP1}"
    assert values["Episode 3"] == f"April 6, 2022\n||{EP3}||"
    plot = (await world.member.slash(world.general, "plot", episode=3)).response.embeds[0]
    assert plot.description == f"||{EP3}||"
    # Progress is each member's own: the moderator still sees episode 1 hidden.
    theirs = (await world.moderator.slash(world.general, "plot", episode=1)).response.embeds[0]
    assert theirs.description == f"||{EP1}||"


async def test_watched_refuses_an_episode_the_show_does_not_have(world):
    result = await world.member.slash(world.general, "watched", show="soundtrack-1", episode=9)
    assert result.ephemeral
    assert result.response.content == "Soundtrack #1 only has 4 episodes so far."
    assert user_errors(world.env) == ["members.watched.too_far"]


async def test_over_long_synopses_still_fit_one_valid_embed(world, edit_show, bundled_text):
    # The longest synopsis a show file allows, for the show and each of its episodes.
    long_text = ("Their feelings unravel under the same roof. " * 100)[:4000]
    start = bundled_text.index('synopsis = """')
    end = bundled_text.index('"""', start + 14) + 3
    await edit_show(
        (bundled_text[start:end], f'synopsis = "{long_text}"'),
        *(episode_synopsis(n, long_text) for n in range(1, 5)),
    )
    result = await world.member.slash(world.general, "plot")
    assert not world.env.errors
    card = result.response.embeds[0]
    assert len(card.description) <= 4096
    assert all(len(f.value) <= 1024 for f in card.fields)
    total = len(card.title) + len(card.description) + len(card.footer.text or "")
    total += sum(len(f.name) + len(f.value) for f in card.fields)
    assert total <= 6000
    assert any(f.value.endswith("…||") or f.value.endswith("…") for f in card.fields) or (
        card.description.endswith("…")
    )


async def test_pipes_in_a_synopsis_never_escape_the_spoiler_bars(world, edit_show):
    from tests.domain.test_spoilers import visible

    leak = "The twist ||| Sun-woo loves Eun-soo ` and ends with \\"
    await edit_show(episode_synopsis(3, leak))
    plot = (await world.member.slash(world.general, "plot", episode=3)).response.embeds[0]
    assert visible(plot.description) == ""
    listed = (await world.member.slash(world.general, "episodes")).response.embeds[0]
    episode3 = next(f.value for f in listed.fields if f.name == "Episode 3")
    assert "Sun-woo" not in visible(episode3)
    assert not world.env.errors


def test_the_discussion_starter_keeps_any_synopsis_behind_its_bars():
    from bot.services.discussions._render import starter_text
    from bot.store.discussions import EpisodeInfo, ShowEpisodes
    from tests.domain.test_spoilers import visible

    secrets = ("A ||| SECRET1 `c", "x" * 1500 + "||| SECRET2", "SECRET3 ends \\")
    episodes = tuple(EpisodeInfo(n, "`", None, s) for n, s in enumerate(secrets, 1))
    show = ShowEpisodes("s", "Show", 3, episodes)
    text = starter_text(show, episodes, {}, "en")
    assert len(text) <= 2000
    shown = visible(text)
    assert "SECRET" not in shown
    assert "xxxx" not in shown
