"""The modal for long text (synopsis, logline, description) and the one edit path behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.cogs.admin._base import done, editing, short
from bot.domain.catalog_fields import FIELDS, clean
from bot.ui.errors import UserFacingError
from bot.ui.views import Modal

if TYPE_CHECKING:
    from bot.app import Interaction


async def apply_set(
    interaction: Interaction,
    kind: str,
    entity: dict[str, Any],
    field: str,
    raw: str | None,
    source: str | None,
) -> None:
    """Check ``raw`` for ``kind.field`` and store it in one recorded transaction.

    ``entity`` is the natural key (``{"slug": ...}``, ``{"show_id": .., "number": ..}``) as
    resolved inside the transaction, so the edit never reaches another guild's row.
    """
    value = clean(kind, field, raw)
    async with editing(interaction) as ed:
        key = dict(entity)
        if "show" in key:
            key["show_id"] = await ed.find("show", slug=key.pop("show"))
        entity_id = await ed.find(kind, **key)
        old = (await ed.row(kind, entity_id)).get(field)
        change = await ed.set(kind, entity_id, field, value, source=source)
    if change is None:
        await done(interaction, "admin.unchanged")
        return
    await done(
        interaction, "admin.changed", kind=kind, field=field, old=short(old), new=short(value),
        change_id=change,
    )  # fmt: skip


class LongTextModal(Modal):
    """One long text field, prefilled with its current value."""

    def __init__(
        self,
        *,
        title: str,
        kind: str,
        entity: dict[str, Any],
        field: str,
        current: str | None,
        source: str | None,
    ) -> None:
        super().__init__(title=title[:45], timeout=900)
        self.kind, self.entity, self.field, self.source = kind, entity, field, source
        limit = FIELDS[kind][field].limit
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=field[:45], custom_id=field, style=discord.TextStyle.paragraph, required=False,
            max_length=min(limit, 4000), default=(current or "")[:limit] or None,
        )  # fmt: skip
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Store what the admin typed (an empty box clears the field)."""
        await apply_set(
            interaction, self.kind, self.entity, self.field, self.text.value, self.source
        )


async def edit_field(
    interaction: Interaction,
    kind: str,
    entity: dict[str, Any],
    field: str,
    value: str | None,
    source: str | None,
    current: str | None,
) -> None:
    """Edit a field: long text without a value opens a modal; short fields need a value."""
    if field not in FIELDS[kind]:
        raise UserFacingError("admin.bad_field", field=field, allowed=", ".join(FIELDS[kind]))
    if value is None and FIELDS[kind][field].long:
        modal = LongTextModal(
            title=f"{kind} {field}", kind=kind, entity=entity, field=field, current=current,
            source=source,
        )  # fmt: skip
        await interaction.response.send_modal(modal)
        return
    await apply_set(interaction, kind, entity, field, value, source)
