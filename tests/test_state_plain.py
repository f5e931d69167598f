"""The state as plain dataclasses: saves keep their format, and still refuse damage.

Playing builds, writes and reads :class:`~summit_game.engine.GameState`
without pydantic; :mod:`summit_game.statejson` checks a save being read.  These
tests hold the two halves together: what is written is read back equal, saves
written by the pydantic version still load, and a file with keys or values the
format does not know is refused as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summit_game import engine
from summit_game.errors import SaveError
from summit_game.pack import Pack
from summit_game.report import collect
from summit_game.saves import list_saves, load_save, read_save, write_save

SRC = Path(__file__).resolve().parents[1] / "src" / "summit_game"
DAMAGED = re.escape("the save is damaged (its contents do not fit the format)")

#: A save written by the pydantic version of Summit (``model_dump_json(indent=1)``)
#: for :func:`hot_seat_run`, byte for byte.
OLD_SAVE = r"""
{
 "kind": "summit-save",
 "version": 1,
 "pack_id": "mini",
 "pack_version": "1",
 "pack_digest": "373e42922b65839325173d6e9ef150e1b59bd12efe70cf513179b6198122d302",
 "saved_at": "2026-11-22T07:57:42Z",
 "label": "1 Jan 2018 · US · An invitation",
 "state": {
  "seats": [
   "us",
   "dprk"
  ],
  "names": {
   "us": "Zoë Ünal",
   "dprk": "김정은"
  },
  "positions": {
   "us": "us-end-bad",
   "dprk": "dprk-end"
  },
  "turn": "us",
  "meters": {
   "trust": 15.0,
   "tension": 60.0
  },
  "flags": [
   "us_refused"
  ],
  "visited": [
   "us-one",
   "us-crisis",
   "us-end-bad",
   "dprk-one"
  ],
  "decisions": [
   {
    "seat": "dprk",
    "scene": "dprk-one",
    "choice": "offer",
    "date": "2018-01-01",
    "historical": true,
    "historical_choice": "offer",
    "changes": [
     {
      "meter": "trust",
      "before": 20.0,
      "after": 25.0,
      "cause": "Offer talks",
      "kind": "choice"
     }
    ],
    "journal": "why \"not\"?\n— because",
    "divergence": 2.5
   },
   {
    "seat": "us",
    "scene": "us-one",
    "choice": "refuse",
    "date": "2018-03-08",
    "historical": false,
    "historical_choice": "accept",
    "changes": [
     {
      "meter": "trust",
      "before": 25.0,
      "after": 15.0,
      "cause": "Refuse",
      "kind": "choice"
     },
     {
      "meter": "tension",
      "before": 50.0,
      "after": 60.0,
      "cause": "Refuse",
      "kind": "choice"
     }
    ],
    "journal": null,
    "divergence": 27.5
   },
   {
    "seat": "us",
    "scene": "us-crisis",
    "choice": "calm",
    "date": "2018-07-01",
    "historical": false,
    "historical_choice": null,
    "changes": [],
    "journal": null,
    "divergence": 27.5
   }
  ],
  "opening": [],
  "seed": 7
 }
}
"""


def hot_seat_run(pack: Pack) -> engine.GameState:
    """Both seats to their endings, with names, a flag, a journal and event changes."""
    s = engine.new_game(pack, ["us", "dprk"], seed=7, names={"us": "Zoë Ünal", "dprk": "김정은"})
    while not engine.is_over(pack, s):
        offered = [c.id for c in engine.available(pack, s)]
        s, _ = engine.step(pack, s, "refuse" if "refuse" in offered else offered[0])
        if len(s.decisions) == 1:
            s = engine.record_journal(s, 'why "not"?\n— because')
    return s


def _without_time(text: str) -> dict[str, Any]:
    """A save's JSON without time and digest, sets in order (the old code left them unordered).

    (The pack's digest changes with the path it was loaded by.)
    """
    obj: dict[str, Any] = json.loads(text)
    del obj["saved_at"], obj["pack_digest"]
    for key in ("flags", "visited"):
        obj["state"][key].sort()
    return obj


def test_a_written_save_reads_back_equal(mini: Pack, tmp_path: Path) -> None:
    s = hot_seat_run(mini)
    path = write_save(tmp_path, "run", mini, s, "label")
    save = read_save(path)
    assert save.state == s
    assert load_save(path, mini) == s
    assert save.saved_at.utcoffset() == dt.timedelta(0)
    assert isinstance(save.state.seats, tuple) and isinstance(save.state.flags, frozenset)
    assert isinstance(save.state.visited, frozenset) and isinstance(save.state.decisions, tuple)
    assert isinstance(save.state.decisions[0].date, dt.date)
    assert isinstance(save.state.decisions[1].changes[0], engine.MeterChange)


def test_a_save_from_the_pydantic_version_still_loads(mini: Pack, tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(OLD_SAVE.strip() + "\n", encoding="utf-8")
    save = read_save(path)
    assert save.saved_at == dt.datetime(2026, 11, 22, 7, 57, 42, tzinfo=dt.UTC)
    assert save.label == "1 Jan 2018 · US · An invitation"
    assert save.state == hot_seat_run(mini)
    assert load_save(path, mini) == hot_seat_run(mini)


def test_saves_are_written_in_the_same_format_as_before(mini: Pack, tmp_path: Path) -> None:
    path = write_save(tmp_path, "new", mini, hot_seat_run(mini), "1 Jan 2018 · US · An invitation")
    text = path.read_text(encoding="utf-8")
    assert _without_time(text) == _without_time(OLD_SAVE)
    # A key a line down to the state's fields, then one line per decision: readable,
    # and cheap to write (the C encoder; the autosave is on every key press's path).
    lines = text.splitlines()
    decisions = json.loads(text)["state"]["decisions"]
    assert [json.loads(x.strip().rstrip(",")) for x in lines if '"seat":' in x] == decisions
    assert '  "turn": "us",' in lines and ' "state": {' in lines
    assert "Zoë Ünal" in text and "김정은" in text, "names are written as UTF-8, not escaped"
    assert json.loads(text)["saved_at"].endswith("Z")


def test_the_same_state_makes_the_same_file(mini: Pack, tmp_path: Path) -> None:
    s = hot_seat_run(mini)
    a = write_save(tmp_path, "a", mini, s).read_text().splitlines()
    b = write_save(tmp_path, "b", mini, s).read_text().splitlines()
    assert [x for x in a if "saved_at" not in x] == [x for x in b if "saved_at" not in x]
    state = json.loads("\n".join(a))["state"]
    assert state["visited"] == sorted(state["visited"]) and state["flags"] == ["us_refused"]


def _in_state(obj: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = obj["state"]
    return state


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda o: o.update(cheat=1), id="top"),
        pytest.param(lambda o: _in_state(o).update(cheat=1), id="state"),
        pytest.param(lambda o: _in_state(o)["decisions"][0].update(cheat=1), id="decision"),
        pytest.param(lambda o: _in_state(o)["decisions"][0]["changes"][0].update(x=1), id="change"),
        pytest.param(lambda o: _in_state(o).update(seats="us"), id="seats-a-string"),
        pytest.param(lambda o: _in_state(o)["decisions"][0].update(date="soon"), id="bad-date"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust="high"), id="meter-text"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust=None), id="meter-null"),
        pytest.param(lambda o: _in_state(o).pop("turn"), id="missing-field"),
        pytest.param(lambda o: o.update(saved_at="yesterday"), id="bad-time"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust="20"), id="meter-digits"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust=True), id="meter-bool"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust=float("nan")), id="meter-nan"),
        pytest.param(lambda o: _in_state(o)["meters"].update(trust=1e999), id="meter-infinite"),
        pytest.param(lambda o: _in_state(o).update(seed=1.5), id="seed-fraction"),
        pytest.param(lambda o: _in_state(o).update(flags=[1]), id="flag-number"),
        pytest.param(lambda o: _in_state(o)["names"].update(us=["Ada"]), id="name-list"),
        pytest.param(lambda o: _in_state(o)["decisions"][0].update(historical=1), id="bool-as-1"),
        pytest.param(lambda o: _in_state(o).update(decisions={}), id="decisions-object"),
        pytest.param(lambda o: _in_state(o)["decisions"].append(7), id="decision-number"),
        pytest.param(lambda o: o.update(state=[]), id="state-list"),
        pytest.param(lambda o: o.update(label=None), id="label-null"),
    ],
)
def test_keys_and_values_the_format_does_not_know_are_refused(
    mini: Pack, tmp_path: Path, damage: Callable[[dict[str, Any]], object]
) -> None:
    path = write_save(tmp_path, "run", mini, hot_seat_run(mini))
    obj = json.loads(path.read_text())
    damage(obj)
    path.write_text(json.dumps(obj))
    before = path.read_bytes()
    with pytest.raises(SaveError, match=DAMAGED) as info:
        load_save(path, mini)
    assert str(info.value).startswith(f"{path}: ")
    assert path.read_bytes() == before


def test_a_meter_that_is_not_a_number_is_not_saved(mini: Pack, tmp_path: Path) -> None:
    """JSON has no NaN: the old code wrote ``null`` (a save that never loads again)."""
    good = engine.new_game(mini, ["us"])
    path = write_save(tmp_path, "run", mini, good)
    before = path.read_bytes()
    broken = dataclasses.replace(good, meters={"trust": float("nan"), "tension": 50.0})
    with pytest.raises(SaveError, match=r"could not save .*earlier saves are intact"):
        write_save(tmp_path, "run", mini, broken)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]


def test_states_are_frozen_and_copied_with_replace(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.turn = "dprk"  # type: ignore[misc]
    t = dataclasses.replace(s, seed=3)
    assert (t.seed, s.seed) == (3, 0) and t != s and t.scene_id == s.scene_id == "us-one"
    assert t.date(mini) == dt.date(2018, 3, 8)
    with pytest.raises(TypeError):
        engine.GameState(("us",), {}, {"us": "us-one"}, "us", {})  # type: ignore[call-arg]
    change = engine.MeterChange(meter="trust", before=20.0, after=35.0, cause="c")
    assert (change.delta, change.kind) == (15.0, "choice")
    assert engine.GameState(positions={}, seats=(), turn="", meters={}).names == {}


def test_report_counts_a_copied_save_once(mini: Pack, tmp_path: Path) -> None:
    s = hot_seat_run(mini)
    a = write_save(tmp_path, "a", mini, s)
    b = write_save(tmp_path, "b", mini, s)
    c = write_save(tmp_path, "c", mini, engine.record_journal(s, "another answer"))
    runs, skipped = collect(mini, [a, b, c])
    assert [r.file for r in runs] == [str(a), str(c)]
    assert skipped == [(str(b), f"the same run as {a}")]


def test_a_save_time_without_a_zone_is_read_as_utc(mini: Pack, tmp_path: Path) -> None:
    """Saves are listed newest first; a time without a zone must still compare."""
    path = write_save(tmp_path, "run", mini, hot_seat_run(mini))
    obj = json.loads(path.read_text())
    obj["saved_at"] = "2026-01-02T03:04:05"
    path.write_text(json.dumps(obj))
    assert read_save(path).saved_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    write_save(tmp_path, "other", mini, hot_seat_run(mini))
    assert [s.name for s in list_saves(tmp_path)] == ["other", "run"]


def test_each_autosave_holds_the_run_as_it_is_now(mini: Pack, tmp_path: Path) -> None:
    """Autosaves reuse the lines of decisions already written; a journal added to
    the last decision, an undo, or another branch must still be saved as it is."""
    s = engine.new_game(mini, ["us"])
    path = tmp_path / "autosave.json"
    history = []
    while not engine.is_over(mini, s):
        s, _ = engine.step(mini, s, engine.available(mini, s)[0].id)
        write_save(tmp_path, "autosave", mini, s)
        assert read_save(path).state == s
        history.append(s)
        s = engine.record_journal(s, f"answer {len(s.decisions)}")
        write_save(tmp_path, "autosave", mini, s)
        assert read_save(path).state.decisions[-1].journal == f"answer {len(s.decisions)}"
    back = engine.undo(mini, s, to=1)
    write_save(tmp_path, "autosave", mini, back)
    assert read_save(path).state == back and back.decisions == ()
    other = engine.available(mini, back)[-1].id
    branch, _ = engine.step(mini, back, other)
    write_save(tmp_path, "autosave", mini, branch)
    assert [d.choice for d in read_save(path).state.decisions] == [other]
    write_save(tmp_path, "autosave", mini, history[0])  # an older state object again
    assert read_save(path).state == history[0]
