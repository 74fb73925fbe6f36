"""aiosqlite storage: the connection, migrations and one query module per table group.

No SQL lives outside this package.
"""

from bot.store.db import Database, Migration, bundled_migrations, open_store

__all__ = ["Database", "Migration", "bundled_migrations", "open_store"]
