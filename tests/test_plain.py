"""`play --plain`: the line protocol of cli.md, driven through real stdin/stdout text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from summit_game.cli import main
from summit_game.pack import Pack
from summit_game.plain import run_plain
from summit_game.saves import read_save

MINI = Path(__file__).parent / "packs" / "mini"


def play(pack: Pack, saves: Path, text: str, **kw: object) -> str:
    out = io.StringIO()
    kw.setdefault("seats", ["us"])
    code = run_plain(pack, saves, io.StringIO(text), out, **kw)  # type: ignore[arg-type]
    assert code == 0
    return out.getvalue()


def test_a_choice_prints_feedback_history_sources_and_changes(mini: Pack, tmp_path: Path) -> None:
    out = play(mini, tmp_path, "1\nbecause\n")
    assert "2018-03-08" in out and "== An invitation ==" in out
    assert "  1. Accept the meeting\n  2. Refuse" in out
    assert "You said yes." in out
    assert "What really happened:\nThe President accepted." in out
    assert "Source: A book about it, A press, 2020-01-01" in out
    assert "Trust +20 (now 40): Accept the meeting" in out
    assert "Reflect: Why meet?" in out
    save = read_save(tmp_path / "autosave.json")
    assert save.state.decisions[0].journal == "because"


def test_reaching_an_ending_prints_a_debrief(mini: Pack, tmp_path: Path) -> None:
    out = play(mini, tmp_path, "2\n\n1\n1\n")  # refuse -> crisis -> calm -> bad end
    assert "== The end for the US: Worse ==" in out
    assert "you chose 'Refuse' (departed from history)" in out
    assert "The real actor chose 'Accept the meeting'." in out
    assert "You matched history in 0 of 2 decisions." in out
    assert "trust: Trust 10 / 40 (30 below history)" in out


def test_undo_meters_help_and_unknown_input(mini: Pack, tmp_path: Path) -> None:
    out = play(mini, tmp_path, "2\n\nundo\nmeters\nhelp\nfly away\n7\n")
    assert "Back to before your last decision." in out
    assert out.count("== An invitation ==") == 2
    assert "trust: Trust 20 / 20 (same as history)" in out
    assert "save NAME" in out
    assert "'fly' is not a command here" in out
    assert "There is no choice 7; pick 1 to 2." in out


def test_save_and_load_by_name(mini: Pack, tmp_path: Path) -> None:
    play(mini, tmp_path, "1\n\nsave lesson1\nquit\n")
    assert (tmp_path / "lesson1.json").exists()
    out = play(mini, tmp_path, "meters\n", seats=None, load="lesson1")
    assert "Loaded 'lesson1'." in out and "== The summit ==" in out


def test_a_broken_save_is_refused_and_left_untouched(mini: Pack, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_bytes(b'{"kind": "summit-save", "vers')
    out = play(mini, tmp_path, "load bad\nload ../../etc/passwd\n1\n")
    assert "Could not load:" in out and "bad.json" in out
    assert "cannot be a save name" in out
    assert "You said yes." in out, "play goes on after a refused load"
    assert (tmp_path / "bad.json").read_bytes() == b'{"kind": "summit-save", "vers'


def test_without_a_role_it_lists_the_seats_and_reads_a_number(mini: Pack, tmp_path: Path) -> None:
    out = play(mini, tmp_path, "9\n2\n", seats=None)
    assert "Choose your seat:\n  1. US\n  2. DPRK" in out
    assert "Type a number from 1 to 2." in out
    assert "== New Year ==" in out


def test_hot_seat_alternates_seats_by_date(mini: Pack, tmp_path: Path) -> None:
    out = play(mini, tmp_path, "1\n1\n\n1\n", seats=["us", "dprk"])
    first, second = out.index("--- DPRK's turn"), out.index("--- US's turn")
    assert first < second, "the DPRK's 2018-01-01 scene comes before the US's 2018-03-08"
    assert "== The end for the US: Frozen ==" in out and "== The end for the DPRK: Done ==" in out


def test_until_stops_for_discussion_and_saves(mini: Pack, tmp_path: Path) -> None:
    import datetime as dt

    out = play(mini, tmp_path, "1\n\n", until=dt.date(2018, 4, 1))
    assert "Stop here for discussion" in out
    assert read_save(tmp_path / "autosave.json").state.scene_id == "us-two"


def test_control_characters_and_markup_in_content_are_shown_not_obeyed(
    tmp_path: Path,
) -> None:
    import shutil

    from summit_game.loader import load_pack

    pack_dir = tmp_path / "pack"
    shutil.copytree(MINI, pack_dir)
    f = pack_dir / "scenes" / "dprk.yaml"
    f.write_text(f.read_text().replace("text: Offer talks?", 'text: "[bold]x[/ [@click=app.quit]"'))
    pack = load_pack(pack_dir).pack
    assert pack is not None
    out = play(
        pack,
        tmp_path / "saves",
        "quit\n",
        seats=["us", "dprk"],
        names={"dprk": "\x1b[2J Ada", "us": "Bo"},
    )
    assert "[bold]x[/ [@click=app.quit]" in out
    assert "(^[[2J Ada)" in out, "a name's escape sequence is shown, not obeyed"
    assert "\x1b" not in out


def test_cli_entry_point_runs_plain_and_reports_misuse(tmp_path: Path) -> None:
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
            "--saves-dir",
            str(tmp_path),
        ],
        input="1\n\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "== The end for the US: Frozen ==" in proc.stdout
    assert main(["play", "--plain", "--content", str(MINI), "--role", "nobody"]) == 2
    assert main(["play", "--plain", "--content", str(tmp_path / "nowhere")]) == 1


def test_reload_picks_up_an_edit_and_survives_a_broken_one(tmp_path: Path) -> None:
    import shutil

    from summit_game.loader import load_pack

    pack_dir = tmp_path / "pack"
    shutil.copytree(MINI, pack_dir)
    pack = load_pack(pack_dir).pack
    assert pack is not None
    us = pack_dir / "scenes" / "us.yaml"
    original = us.read_text()

    class EditingInput(io.StringIO):
        """Edits the pack between the player's lines, as a teacher at the next desk would."""

        def __init__(self) -> None:
            super().__init__()
            self.lines = ["reload\n", "reload\n", "1\n", "\n", "quit\n"]
            self.n = 0

        def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
            if self.n == 0:
                us.write_text(original.replace("Kim offers to meet.", "Kim offers a summit."))
            if self.n == 1:
                us.write_text(original.replace("    role: us\n", "    role: [us\n", 1))
            if self.n == 2:
                us.write_text(original)
            line = self.lines[self.n] if self.n < len(self.lines) else ""
            self.n += 1
            return line

    out = io.StringIO()
    code = run_plain(pack, tmp_path / "saves", EditingInput(), out, seats=["us"], source=pack_dir)
    text = out.getvalue()
    assert code == 0
    assert "Pack reloaded; your run goes on." in text
    assert "Kim offers a summit." in text
    assert "SG007" in text and "still playing the last good version" in text
    assert "You said yes." in text, "play goes on after a broken edit"
