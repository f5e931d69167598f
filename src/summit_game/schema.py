"""The JSON Schema of pack files, for editor completion (draft-07).

Generated from the content models, so it can never disagree with the
loader about key names; a test fails when ``docs/pack.schema.json`` is stale.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from summit_game.model import GlossaryEntry, Scenario, ScenesFile

_REF = "#/definitions/{model}"


def pack_schema() -> dict[str, Any]:
    """One schema that accepts `scenario.yaml`, any scenes file, or `glossary.yaml`."""
    _, top = models_json_schema(
        [(Scenario, "validation"), (ScenesFile, "validation"), (GlossaryEntry, "validation")],
        ref_template=_REF,
    )
    definitions = top.get("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Summit content pack file (format 1)",
        "description": "scenario.yaml, a file under scenes/, or glossary.yaml "
        "(see docs/authoring.md).",
        "anyOf": [
            {"$ref": _REF.format(model="Scenario")},
            {"$ref": _REF.format(model="ScenesFile")},
            {
                "type": "object",
                "description": "glossary.yaml: term -> definition and sources",
                "not": {"anyOf": [{"required": ["scenes"]}, {"required": ["format"]}]},
                "additionalProperties": {"$ref": _REF.format(model="GlossaryEntry")},
            },
        ],
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema as the text written to files (stable key order, newline at end)."""
    return json.dumps(pack_schema(), indent=2, ensure_ascii=False) + "\n"
