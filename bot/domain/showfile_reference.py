"""The show file's JSON Schema and its reference page, both generated from the checks.

``kdrama-bot data schema`` prints :func:`json_schema`; ``--markdown`` prints
:func:`reference_markdown`, which is docs/show-file-reference.md (a test fails when
the committed page differs). Both read the schema each check carries
(:func:`bot.domain._showfile_check.described`), so what they say is what
``kdrama-bot data check`` enforces. What JSON Schema cannot say — a cited source or a
credited person must exist, numbers and names must not repeat — is listed under
"Checked across rows".
"""

from __future__ import annotations

from typing import Any

from bot.domain._showfile_check import table_schema
from bot.domain._showfile_schema import DOCUMENT
from bot.domain.showfile import FORMAT_VERSION

# What each part is for, by path: ``*`` is any key of a slug-keyed table, ``[]`` any item.
DESCRIPTIONS: dict[str, str] = {
    "format": "The show-file format. Always 1.",
    "sources": "The articles the file's facts come from, keyed by a short slug that rows cite.",
    "sources.*.publisher": "Who published it, e.g. NME Asia.",
    "sources.*.published": "When it was published.",
    "show": "The show itself.",
    "show.slug": "The show's id in commands and files, e.g. soundtrack-1. Never changes.",
    "show.title": "The preferred title, as members see it.",
    "show.native_title": "The title in its own language (Hangul), when a source gives it.",
    "show.episode_count": "How many episodes; episode numbers may not go past it.",
    "show.premiere": "The premiere, at the precision a source gives it.",
    "show.release_reports": 'Earlier or other reports of a release ("March 2022").',
    "show.titles": "Former or working titles.",
    "show.aliases": "Other spellings of the title, each with the source that used it.",
    "show.field_sources": "`{field = [source, …]}`: which of the row's sources back a field.",
    "people": "Cast and crew, keyed by slug (e.g. han-so-hee).",
    "people.*.native_name": "The name in Hangul, when a source gives it.",
    "people.*.known_for": "Works (dramas, films, songs) the sources say the person is known for.",
    "people.*.member_of": "Groups (a band, an idol group) the sources say the person is in.",
    "people.*.aliases": "Other spellings of the name, each with its source.",
    "characters": "The show's characters, keyed by slug.",
    "characters.*.aliases": "Other spellings of the name, each with its source.",
    "credits": "Who did what: a person, their role (cast, director, writer…) and character.",
    "credits[].person": "A key of [people].",
    "credits[].character": "A key of [characters] (cast only).",
    "episodes": "One row per episode, by number.",
    "episodes[].release": "The episode's release; without one it is not announced.",
    "media": "Trailers, teasers, posters and soundtrack songs, keyed by slug.",
    "quotes": "Lines quoted in the sources, keyed by slug.",
    "quotes.*.media": "A key of [media]: the trailer the line is from.",
}

CROSS_ROW_RULES: tuple[str, ...] = (
    "every key in a `sources` list names a table of `[sources]`",
    "`credits[].person` names a key of `[people]`; `credits[].character` one of `[characters]`",
    "`quotes.*.media` names a key of `[media]`",
    "no two credits have the same person and role; no two episodes the same number",
    "no episode number is past `show.episode_count`",
    "`field_sources` names only fields the row sets",
    "no two aliases of one row, titles of the show or known-for works of a person repeat",
)


def _walk(schema: dict[str, Any], path: str, visit: Any) -> None:
    """Call ``visit(path, schema)`` for ``schema`` and every schema inside it."""
    visit(path, schema)
    for key, sub in schema.get("properties", {}).items():
        _walk(sub, f"{path}.{key}" if path else key, visit)
    if isinstance(schema.get("additionalProperties"), dict):
        _walk(schema["additionalProperties"], f"{path}.*", visit)
    if isinstance(schema.get("items"), dict):
        _walk(schema["items"], f"{path}[]", visit)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a show file, as ``kdrama-bot data check`` reads it."""
    schema = table_schema(DOCUMENT)

    def describe(path: str, sub: dict[str, Any]) -> None:
        if path in DESCRIPTIONS:
            sub["description"] = DESCRIPTIONS[path]

    _walk(schema, "", describe)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"kdrama-bot show file, format {FORMAT_VERSION}",
        "description": (
            "One show's catalog (TOML, or JSON of the same shape). Every row names the "
            "sources that back it. Also checked across rows: " + "; ".join(CROSS_ROW_RULES)
        ),
        **schema,
    }


def _type(schema: dict[str, Any]) -> str:
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array" and schema.get("minItems") and "[sources]" in schema.get("description", ""):
        return "list of source keys"
    if kind == "array":
        inner = schema.get("items", {})
        return "list of tables" if inner.get("type") == "object" else f"list of {_type(inner)}"
    if kind == "object":
        keyed = isinstance(schema.get("additionalProperties"), dict)
        return "table of tables" if keyed else "table"
    if kind == "string" and schema.get("pattern") == r"^[a-z0-9][a-z0-9-]{0,63}$":
        return "slug"
    if kind == "string" and "https?" in schema.get("pattern", ""):
        return "http(s) URL"
    if kind == "string" and schema.get("pattern", "").startswith(r"^\d{4}"):
        return "date"
    return str(kind)


def _limits(schema: dict[str, Any]) -> str:
    parts = []
    if "maxLength" in schema:
        parts.append(f"≤ {schema['maxLength']:,} characters")
    if "minimum" in schema:
        top = schema.get("maximum")
        parts.append(f"{schema['minimum']:,}–{top:,}" if top else f"≥ {schema['minimum']:,}")
    if schema.get("minItems"):
        parts.append(f"at least {schema['minItems']}")
    return ", ".join(parts)


def reference_markdown() -> str:
    """docs/show-file-reference.md: every key, its type, whether required, its limits."""
    schema = json_schema()
    lines = [
        "# Show file reference",
        "",
        "<!-- Generated by `kdrama-bot data schema --markdown` from the checks that",
        "     `kdrama-bot data check` runs; edit bot/domain/, not this page. -->",
        "",
        f"A show file (format {FORMAT_VERSION}) is TOML, or JSON of the same shape. "
        "`kdrama-bot data schema` prints the same rules as a JSON Schema, for editors "
        "and other tools. How to write one: [the guide](show-files.md).",
        "",
        "| key | type | required | limits | what it is |",
        "|---|---|---|---|---|",
    ]

    def row(path: str, sub: dict[str, Any], required: bool) -> None:
        what = sub.get("description", "").replace("|", "\\|")
        mark = "yes" if required else ""
        lines.append(f"| `{path}` | {_type(sub)} | {mark} | {_limits(sub)} | {what} |")

    def visit(path: str, sub: dict[str, Any], required: bool) -> None:
        if path:
            row(path, sub, required)
        if path.endswith("field_sources"):
            return  # {field = [source, …]} for the row's own fields: listed above
        needed = set(sub.get("required", ()))
        for key, child in sub.get("properties", {}).items():
            visit(f"{path}.{key}" if path else key, child, key in needed)
        extra = sub.get("additionalProperties")
        if isinstance(extra, dict) and extra.get("type") == "object":
            for key, child in extra.get("properties", {}).items():
                visit(f"{path}.*.{key}", child, key in set(extra.get("required", ())))
        items = sub.get("items")
        if isinstance(items, dict) and items.get("type") == "object":
            for key, child in items.get("properties", {}).items():
                visit(f"{path}[].{key}", child, key in set(items.get("required", ())))

    visit("", schema, True)
    lines += [
        "",
        "`*` stands for any key of a slug-keyed table (`[people.han-so-hee]`), `[]` for any",
        "item of a list (`[[episodes]]`). A slug is a-z, 0-9 and `-`, at most 64 characters.",
        "Every text must have something besides spaces. Keys not listed are refused.",
        "",
        "## Checked across rows",
        "",
        *(f"- {rule}" for rule in CROSS_ROW_RULES),
        "",
    ]
    return "\n".join(lines)
