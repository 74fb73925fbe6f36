"""What a sick store raises, on either backend, said in one place.

A store that refuses work for a while (locked by another process, full, a failing disk,
a PostgreSQL server restarting or failing over) is no bug: the scheduler waits it out
instead of dying, the outcome queue keeps its batch, and a member is told that nothing
was saved. SQLite says all of that with ``sqlite3.OperationalError`` and its text;
asyncpg with its own classes, each a SQLSTATE class, which are listed here so a
PostgreSQL outage is never mistaken for a bug (and a bug never for an outage: a
constraint violation is not among them).
"""

from __future__ import annotations

import sqlite3
from typing import Literal

Trouble = Literal["busy", "full", "io", "down"]


def _postgresql() -> tuple[tuple[Trouble, tuple[type[BaseException], ...]], ...]:
    """asyncpg's outage classes by kind, most specific first; none without asyncpg."""
    try:
        from asyncpg import exceptions as pg
    except ImportError:  # installed without the postgres extra: SQLite only
        return ()
    return (
        # Before "io" and "down": too many connections is a lack of resources, and a
        # statement timeout an operator intervention, but both pass in a moment.
        (
            "busy",
            (
                pg.TransactionRollbackError,
                pg.LockNotAvailableError,
                pg.QueryCanceledError,
                pg.TooManyConnectionsError,
            ),
        ),
        ("full", (pg.DiskFullError,)),
        # A replica promoted late, memory, the server's own disk: it refuses writes.
        (
            "io",
            (pg.InsufficientResourcesError, pg.PostgresSystemError, pg.ReadOnlySQLTransactionError),
        ),
        # Shut down, restarting, or the connection dropped mid-statement. A pooled
        # connection the server cut while it sat idle raises InternalClientError
        # ("cannot switch to state 12; another operation (2) is in progress") when it is
        # next used: the server's goodbye left its protocol state half-way.
        (
            "down",
            (pg.PostgresConnectionError, pg.OperatorInterventionError, pg.InternalClientError),
        ),
    )


_POSTGRESQL = _postgresql()

#: Everything a sick store raises, to wait out (``except STORE_ERRORS``). OSError covers
#: a file the disk refuses and a server socket that is gone.
STORE_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.DatabaseError,
    OSError,
    *(cls for _, classes in _POSTGRESQL for cls in classes),
)


def trouble(error: BaseException) -> Trouble | None:
    """``busy``, ``full``, ``io`` or ``down`` when ``error`` is the store refusing work
    for now, else None (a bug, or not the store at all).

    ``io`` is a disk that refuses a write for another reason than space (SQLite says
    "full" only for ENOSPC): a quota, a file-size limit, a failing disk, a read-only
    server. The transaction was rolled back in every case, so nothing was saved.
    A bare OSError is not claimed here: it is as likely Discord's connection as ours.
    """
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            return "busy"
        if "full" in text:
            return "full"
        if "disk i/o error" in text:
            return "io"
        return None
    for kind, classes in _POSTGRESQL:
        if isinstance(error, classes):
            return kind
    return None
