"""`debrief`: a run beside history in Markdown and self-contained HTML, typed text escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summit_game import engine
from summit_game.cli import main
from summit_game.export import debrief_html, debrief_markdown, md
from summit_game.pack import Pack
from summit_game.saves import write_save

MINI = Path(__file__).parent / "packs" / "mini"
HOSTILE = "<script>alert(1)</script> [x](javascript:y) *b* \x1b[2J"


def off_history(pack: Pack) -> engine.GameState:
    s = engine.new_game(pack, ["us"], names={"us": HOSTILE})
    s, _ = engine.step(pack, s, "refuse", HOSTILE)
    s, _ = engine.step(pack, s, "calm")
    return s


def test_markdown_sets_each_decision_beside_history_with_sources(mini: Pack) -> None:
    text = debrief_markdown(mini, off_history(mini))
    assert "- **You chose:** Refuse (departed from history)" in text
    assert "- **The real actor chose:** Accept the meeting" in text
    assert "Source: A book about it, A press, 2020\\-01\\-01" in text
    assert "## Ending (US): Worse" in text
    assert "**Why meet?**" in text
    assert "| 2018-07-01 | 10 (40) | 60 (30) | 30 |" in text


def test_markdown_escapes_what_players_typed(mini: Pack) -> None:
    text = debrief_markdown(mini, off_history(mini))
    assert "<script>" not in text and "](javascript" not in text and "\x1b" not in text
    assert md("a_b*c") == "a\\_b\\*c"


def test_html_is_self_contained_escaped_and_charts_every_meter(mini: Pack) -> None:
    page = debrief_html(mini, off_history(mini))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\x1b" not in page
    assert not re.search(r'(src|href)="(?!https?://)', page.replace('href="http', "")), (
        "no external resources but cited links"
    )
    assert "<link" not in page and "@import" not in page
    assert page.count("<svg") == len(mini.scenario.meters)
    assert "DEPARTED" in page and "Accept the meeting" in page


def test_cli_writes_both_formats_from_a_save_name(
    mini: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_save(tmp_path, "ada", mini, off_history(mini))
    out = tmp_path / "d.html"
    args = ["debrief", "ada", "--content", str(MINI), "--saves-dir", str(tmp_path)]
    assert main([*args, "--format", "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(args) == 0
    assert "# Debrief: A small test pack" in capsys.readouterr().out
    assert main(["debrief", "missing", "--content", str(MINI), "--saves-dir", str(tmp_path)]) == 1
    assert "no such save" in capsys.readouterr().err
