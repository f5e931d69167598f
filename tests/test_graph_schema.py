"""`graph` and `schema`: the scene graph as text, the JSON Schema for editors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summit_game.cli import main
from summit_game.graph import to_dot, to_mermaid
from summit_game.pack import Pack
from summit_game.schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"


def test_mermaid_marks_seats_endings_alternates_and_labels_edges(mini: Pack) -> None:
    text = to_mermaid(mini)
    assert text.startswith("flowchart TD")
    assert 'subgraph seat_us["US"]' in text and 'subgraph seat_dprk["DPRK"]' in text
    assert 'n_us_one -->|"accept"| n_us_two' in text
    assert "[ENDING]" in text and "[alt]" in text
    assert "class n_us_end_bad ending" in text


def test_dot_is_well_formed_and_escapes_titles(mini: Pack) -> None:
    text = to_dot(mini)
    assert text.startswith("digraph summit {") and text.rstrip().endswith("}")
    assert '"us-one" -> "us-two" [label="accept"];' in text
    assert "shape=doubleoctagon" in text and "style=dashed" in text


def test_graph_of_a_pack_with_an_unreachable_scene_marks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "p"
    shutil.copytree(MINI, pack)
    f = pack / "scenes" / "us.yaml"
    f.write_text(
        f.read_text()
        + """  - id: us-draft
    role: us
    date: 2018-08-01
    title: 'A "draft" <scene>'
    text: Not linked yet.
    choices:
      - id: go-on
        text: Go on
        next: us-end-bad
"""
    )
    assert main(["graph", str(pack), "--format", "mermaid"]) == 0
    out, err = capsys.readouterr()
    assert "UNREACHABLE" in out and "#34;draft#34;" in out
    assert "SG050" in err


def test_committed_schema_is_current() -> None:
    committed = ROOT / "docs" / "pack.schema.json"
    assert committed.read_text(encoding="utf-8") == schema_text(), (
        "docs/pack.schema.json is stale: run `summit-game schema -o docs/pack.schema.json`"
    )


def test_schema_is_draft07_without_tuple_items(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert schema["$schema"].startswith("http://json-schema.org/draft-07")
    assert "prefixItems" not in out.read_text()
    scene = schema["definitions"]["Scene"]
    assert "prompt" in scene["properties"] and scene["additionalProperties"] is False
    assert "reflection question" in scene["properties"]["prompt"]["description"]
