"""`report`: a class's runs, from saves written by scripted --plain runs."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summit_game.cli import main

MINI = Path(__file__).parent / "packs" / "mini"
HOSTILE = '<script>alert("x")</script> =HYPERLINK("http://evil") [b](javascript:z)'


def plain_run(saves: Path, name: str, keys: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "summit_game",
            "play",
            "--plain",
            "--content",
            str(MINI),
            "--role",
            "us",
            "--name",
            name,
            "--saves-dir",
            str(saves),
        ],
        input=keys,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def class_saves(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("class")
    for i, (name, keys) in enumerate(
        [
            ("Ada", "1\nto talk\n1\n"),
            (HOSTILE, f"1\n{HOSTILE}\n1\n"),
            ("Cy", "2\n\n1\n"),
        ]
    ):
        run_dir = root / f"s{i}"
        plain_run(run_dir, name, keys)
        [autosave] = run_dir.glob("*autosave.json")
        shutil.copy(autosave, root / f"run{i}.json")
    shutil.copy(root / "run0.json", root / "copy-of-run0.json")
    (root / "broken.json").write_text("{")
    other = json.loads((root / "run2.json").read_text())
    other["pack_id"] = "another-pack"
    (root / "foreign.json").write_text(json.dumps(other))
    return root


def test_markdown_report_counts_choices_history_endings_and_skips_bad_files(
    class_saves: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(class_saves), "--content", str(MINI)]) == 0
    out, err = capsys.readouterr()
    assert "3 runs read; 3 files skipped." in out
    assert "Ada" in out
    assert "broken.json" in err and "foreign.json" in err and "the same run as" in err
    assert "- Accept the meeting ★: 2 (67%)" in out
    assert "- Refuse: 1 (33%)" in out
    assert "- US: 4 of 6 decisions (67%)" in out
    assert "Frozen 2 (67%)" in out and "Worse 1 (33%)" in out
    assert "### Why meet?" in out and "**Ada:** to talk" in out
    assert "<script>" not in out


def test_csv_is_one_row_per_decision_and_defuses_formulas(
    class_saves: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"
    assert (
        main(
            ["report", str(class_saves), "--content", str(MINI), "--format", "csv", "-o", str(out)]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 6
    assert {r["historical"] for r in rows} == {"yes", "no"}
    assert all(not r["journal"].startswith("=") for r in rows)
    assert any(r["journal"].startswith("<script>") for r in rows)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_parses_and_shows_hostile_text_as_text(
    class_saves: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    assert (
        main(
            ["report", str(class_saves), "--content", str(MINI), "--format", "html", "-o", str(out)]
        )
        == 0
    )
    parser = _Text()
    parser.feed(out.read_text())
    assert "script" not in parser.tags
    text = "".join(parser.text)
    assert HOSTILE in text
    assert "Accept the meeting ★" in text, "choice shares are listed per scene"
