"""Validate the JSON bodies the bot sends against Discord's own OpenAPI description."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parents[4] / "shared" / "discord-api-spec" / "openapi.json"
_BASE = "urn:discord-openapi"


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class _Template:
    path: str
    regex: re.Pattern[str]
    params: int


class SpecValidator:
    """Finds the request-body schema for a method + path and validates a body against it."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        # Imported here so the stand-in runs (without validation) where these are missing.
        import rfc3339_validator  # noqa: F401  -- without it date-times are silently unchecked
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self._doc: dict[str, Any] = json.loads(spec_path.read_text("utf-8"))
        resource = Resource.from_contents(self._doc, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(_BASE, resource)
        self._validator_cls = Draft202012Validator
        templates = []
        for path in self._doc["paths"]:
            regex = re.escape(path)
            regex = re.sub(r"\\\{[a-z_0-9]+\\\}", "[^/]+", regex)
            templates.append(_Template(path, re.compile(f"^{regex}$"), path.count("{")))
        # Literal segments win over parameters: /messages/pins before /messages/{message_id}.
        self._templates = sorted(templates, key=lambda t: t.params)

    def template_for(self, path: str) -> str | None:
        """The OpenAPI path template matching a concrete path (without the /api/v10 prefix)."""
        for template in self._templates:
            if template.regex.match(path):
                return template.path
        return None

    @lru_cache(maxsize=256)  # noqa: B019 -- one validator per route, the object lives per session
    def _validator(self, template: str, method: str) -> Any | None:
        operation = self._doc["paths"][template].get(method.lower())
        if not operation or "requestBody" not in operation:
            return None
        content = operation["requestBody"].get("content", {})
        if "application/json" not in content:
            return None
        ref = "#/" + _pointer(
            "paths",
            template,
            method.lower(),
            "requestBody",
            "content",
            "application/json",
            "schema",
        )
        schema = {"$ref": _BASE + ref}
        return self._validator_cls(
            schema,
            registry=self._registry,
            format_checker=self._validator_cls.FORMAT_CHECKER,
        )

    def problems(self, method: str, path: str, body: Any) -> list[str]:
        """Every way ``body`` breaks the spec for this route; empty when it conforms."""
        template = self.template_for(path)
        if template is None:
            return [f"{method} {path}: no such route in Discord's OpenAPI description"]
        validator = self._validator(template, method)
        if validator is None:
            return []
        errors = sorted(
            (e for e in validator.iter_errors(body) if not _accepted_by_discord(e)),
            key=lambda e: list(e.absolute_path),
        )
        return [
            f"{method} {template} at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in errors
        ]


_BITFIELDS = {"permissions", "allow", "deny"}


def _accepted_by_discord(error: Any) -> bool:
    """Where the spec is stricter than Discord.

    Permission bitfields are sent as decimal strings (they overflow 53-bit JSON numbers;
    discord.py always sends strings) though the spec types them as integers. An upload's
    ``attachments[n].id`` is its index among the files, an integer (Discord's own docs
    and discord.py's every upload), though the spec types it as a snowflake string.
    An error inside a ``oneOf``/``anyOf`` (the interaction callback's kinds) counts as
    accepted when the branch meant for the body fails only on such points.
    """
    path = list(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[int, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        return any(all(_accepted_by_discord(e) for e in errs) for errs in branches.values())
    if path and path[-1] in _BITFIELDS:
        return isinstance(error.instance, str) and error.instance.isdigit()
    return (
        len(path) >= 3
        and path[-3] == "attachments"
        and path[-1] == "id"
        and type(error.instance) is int
        and error.instance >= 0
    )


def load_validator() -> tuple[SpecValidator | None, str | None]:
    """The validator, or ``None`` and the reason validation is skipped."""
    if not SPEC_PATH.is_file():
        return None, f"request bodies not validated: {SPEC_PATH} is absent (../shared missing)"
    try:
        return SpecValidator(), None
    except ImportError as exc:
        return None, f"request bodies not validated: {exc.name} is not installed"
