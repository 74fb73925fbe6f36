"""The one input-error type: what the domain refuses, said in the user's language.

Parsers and validators (time expressions, catalog fields) raise :class:`InputError` (or a
subclass) with an i18n key and its fields; the app-command tree maps it to a message in
the user's language, so no cog converts it by hand. The English sentence each carries as
well (``str(error)``) is for show files, the CLI and logs.
"""

from __future__ import annotations

from typing import Any

from bot.domain.echo import Markup


class Term(str):
    """A word a message field carries that has its own form in each language, given as
    its i18n key (``Term("time.precision.day")``: "day", "일"); the tree says it in the
    user's language before filling the message."""


# A parser's own sentence, already written (its quoted values bounded by echo.quote).
WRITTEN = "error.invalid_input"


class InputError(ValueError):
    """Input the domain refuses. ``key`` names a message in the i18n catalogs and
    ``fields`` fill it; ``InputError("sentence")`` carries a sentence already written."""

    def __init__(self, message: str = "", /, *, key: str | None = None, **fields: Any) -> None:
        super().__init__(message or key or WRITTEN)
        self.key = key or WRITTEN
        self.fields: dict[str, Any] = fields if key else {"message": Markup(message)}
