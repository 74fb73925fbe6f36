"""Every migration exists for both dialects: SQLite's and its PostgreSQL twin."""

from __future__ import annotations

from bot.store import bundled_migrations


def test_every_migration_has_a_postgresql_twin_with_the_same_number_and_name() -> None:
    sqlite = [(m.version, m.name) for m in bundled_migrations("sqlite")]
    postgres = [(m.version, m.name) for m in bundled_migrations("postgresql")]
    missing = sorted(set(sqlite) - set(postgres))
    extra = sorted(set(postgres) - set(sqlite))
    assert not missing, f"write bot/store/migrations/postgresql/ twins of {missing}"
    assert not extra, f"PostgreSQL migrations without an SQLite original: {extra}"
