"""A generated catalog for benchmarks: 1,000 shows and 50,000 people in one guild.

Rows go in with bulk ``executemany`` on a plain sqlite3 connection to a database the
store migrated. The store's own import path (hundreds of awaited statements per show,
plus a scan of the guild's fact links per show) would take many minutes for a catalog
this size; what is measured here is reading, not importing.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime

from bot.store.db import register_functions

SURNAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Oh",
    "Seo",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "Song",
    "Yoo",
    "Hong",
    "Jeon",
    "Go",
    "Moon",
    "Yang",
    "Son",
    "Bae",
    "Baek",
    "Heo",
    "Nam",
    "Shim",
    "Noh",
    "Ha",
    "Kwak",
    "Sung",
    "Cha",
    "Joo",
    "Woo",
    "Ku",
    "Min",
]
SYLLABLES = [
    "min",
    "seo",
    "ji",
    "hoon",
    "woo",
    "young",
    "hee",
    "won",
    "soo",
    "eun",
    "jin",
    "hyun",
    "sung",
    "jae",
    "ho",
    "yeon",
    "kyung",
    "su",
    "na",
    "ra",
    "bin",
    "chan",
    "joon",
    "seok",
    "hye",
    "mi",
    "ah",
    "da",
    "in",
    "tae",
    "yoon",
    "dong",
    "hwa",
    "gyu",
    "rim",
    "so",
    "bom",
    "sik",
    "hyung",
    "sun",
]
WORDS = [
    "Love",
    "Spring",
    "Secret",
    "Moon",
    "Song",
    "Garden",
    "Summer",
    "Letter",
    "Star",
    "River",
    "Night",
    "City",
    "Heart",
    "Dream",
    "Blue",
    "Winter",
    "Sky",
    "House",
    "Light",
    "Road",
    "Memory",
    "Promise",
    "Melody",
    "Sea",
    "Flower",
    "Rain",
    "Time",
    "Crown",
]


def _name(rng: random.Random) -> str:
    given = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
    return f"{rng.choice(SURNAMES)} {given}"


class _Ids:
    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self.next = (conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def generate(path: str, guild_id: int, *, shows: int, people: int, seed: int = 1) -> list[str]:
    """Fill the migrated database at ``path``; returns the generated show slugs."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    # The name-index triggers normalize names through the bot's own SQL functions.
    register_functions(conn)
    ids = {
        t: _Ids(conn, t)
        for t in (
            "sources",
            "shows",
            "people",
            "characters",
            "credits",
            "aliases",
            "episodes",
            "media",
        )
    }
    rows: dict[str, list[tuple]] = {k: [] for k in ids}
    rows |= {"known_for": [], "quotes": [], "fact_sources": []}
    source = ids["sources"].take()
    rows["sources"].append((source, guild_id, "gen", "Generated Daily", "A report", "2022-01-01"))

    def cite(kind: str, entity_id: int, field: str = "") -> None:
        rows["fact_sources"].append((guild_id, kind, entity_id, field, source))

    person_ids = []
    for i in range(people):
        pid, name = ids["people"].take(), _name(rng)
        person_ids.append(pid)
        rows["people"].append((pid, guild_id, f"p{i}", name, None))
        rows["known_for"].append((pid, f"{rng.choice(WORDS)} {rng.choice(WORDS)}", 2000 + i % 22))
        cite("person", pid)
        if i % 10 == 0:
            alias = ids["aliases"].take()
            rows["aliases"].append((alias, guild_id, "person", pid, name.replace("-", " ")))
            cite("alias", alias)
    slugs = []
    per_show = max(3, min(50, people // max(shows, 1)))
    for i in range(shows):
        sid, slug = ids["shows"].take(), f"show-{i}"
        slugs.append(slug)
        premiere = int(datetime(2015 + i % 10, 1 + i % 12, 1 + i % 28, tzinfo=UTC).timestamp())
        rows["shows"].append(
            (
                sid,
                guild_id,
                slug,
                f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}",
                None,
                "Netflix",
                "Series",
                16,
                premiere,
                "day",
                "Two strangers, one summer. " * 4,
                "A long synopsis of the whole story. " * 30,
                json.dumps(["romance", "drama"]),
            )
        )
        cite("show", sid)
        cite("show", sid, "premiere")
        picked = rng.sample(person_ids, per_show)
        for billing, pid in enumerate(picked):
            cid = None
            if billing >= 2:
                cid = ids["characters"].take()
                rows["characters"].append(
                    (
                        cid,
                        sid,
                        f"c{billing}",
                        _name(rng),
                        "A character with a long, winding past. " * 3,
                    )
                )
                cite("character", cid)
                if billing < 4:
                    alias = ids["aliases"].take()
                    rows["aliases"].append((alias, guild_id, "character", cid, _name(rng)))
                    cite("alias", alias)
            role = ("director", "writer")[billing] if billing < 2 else "cast"
            credit = ids["credits"].take()
            rows["credits"].append((credit, sid, pid, role, cid, billing))
            cite("credit", credit)
        for n in range(1, 17):
            eid = ids["episodes"].take()
            rows["episodes"].append(
                (
                    eid,
                    sid,
                    n,
                    None,
                    premiere + 7 * 86400 * (n - 1),
                    "day",
                    f"Episode {n}: things happen. " * 10,
                )
            )
            cite("episode", eid)
        mid = ids["media"].take()
        rows["media"].append(
            (
                mid,
                sid,
                "trailer",
                "trailer",
                "Main trailer",
                None,
                "2022-01-01",
                95,
                "Scenes from the show. " * 5,
                "https://example.com/t",
            )
        )
        rows["quotes"].append((sid, "q", mid, "Someone", "I will wait. " * 3, None))
    sql = {
        "sources": "sources (id, guild_id, key, publisher, title, published)",
        "people": "people (id, guild_id, slug, name, native_name)",
        "known_for": "known_for (person_id, work, year)",
        "shows": "shows (id, guild_id, slug, title, native_title, platform, format, episode_count,"
        " premiere_at, premiere_precision, logline, synopsis, genres)",
        "characters": "characters (id, show_id, slug, name, description)",
        "credits": "credits (id, show_id, person_id, role, character_id, billing)",
        "aliases": "aliases (id, guild_id, entity_kind, entity_id, name)",
        "episodes": "episodes (id, show_id, number, title, release_at, release_precision,"
        " synopsis)",
        "media": "media (id, show_id, key, kind, title, artist, released, duration_seconds,"
        " description, url)",
        "quotes": "quotes (show_id, key, media_id, speaker, text, context)",
        "fact_sources": "fact_sources (guild_id, entity_kind, entity_id, field, source_id)",
    }
    with conn:
        for table, columns in sql.items():
            if rows[table]:
                marks = ", ".join("?" for _ in rows[table][0])
                conn.executemany(f"INSERT INTO {columns} VALUES ({marks})", rows[table])
    conn.close()
    return slugs
