"""Engine tables: effects, clamping, flags, next branches, undo, divergence, hot-seat."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from summit_game import engine
from summit_game.errors import GameError
from summit_game.pack import Pack


def ids(pack: Pack, state: engine.GameState) -> list[str]:
    return [c.id for c in engine.available(pack, state)]


def test_new_game_starts_at_the_role_start_with_start_values(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    assert s.scene_id == "us-one"
    assert s.meters == {"trust": 20.0, "tension": 50.0}
    assert s.visited == frozenset({"us-one"})
    assert ids(mini, s) == ["accept", "refuse"]


def test_step_adds_effects_and_records_each_change_with_its_cause(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    s2, d = engine.step(mini, s, "accept")
    assert s2.meters == {"trust": 40.0, "tension": 30.0}
    assert [(c.meter, c.before, c.after, c.cause) for c in d.changes] == [
        ("trust", 20.0, 40.0, "Accept the meeting"),
        ("tension", 50.0, 30.0, "Accept the meeting"),
    ]
    assert d.historical and d.historical_choice == "accept"
    assert s.meters == {"trust": 20.0, "tension": 50.0}, "the old state is untouched"


def test_first_true_branch_wins_and_flags_gate_choices(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    # refuse: tension 50 + 10 = 60 > 55, so the first branch (crisis) is taken
    s2, _ = engine.step(mini, s, "refuse")
    assert s2.scene_id == "us-crisis"
    assert "us_refused" in s2.flags


def test_flag_hides_a_choice(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    s = replace(s, meters={"trust": 20.0, "tension": 0.0})
    s2, _ = engine.step(mini, s, "refuse")  # tension 10: not > 55, so on to the summit
    assert s2.scene_id == "us-two"
    assert ids(mini, s2) == ["sign"], "walk needs `not us_refused`"


def test_effects_clamp_to_bounds(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    s, _ = engine.step(mini, s, "accept")
    s, d = engine.step(mini, s, "walk")  # trust 40 - 30 = 10
    assert s.meters["trust"] == 10.0
    low = replace(engine.new_game(mini, ["us"]), meters={"trust": 5.0, "tension": 95.0})
    low, d = engine.step(mini, low, "refuse")
    assert low.meters == {"trust": 0.0, "tension": 100.0}
    assert [c.after - c.before for c in d.changes] == [-5.0, 5.0]


def test_unknown_or_hidden_choice_is_refused(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    with pytest.raises(GameError, match="not a choice on offer"):
        engine.step(mini, s, "nope")


def test_undo_returns_to_any_earlier_decision_exactly(mini: Pack) -> None:
    s0 = engine.new_game(mini, ["us"])
    s1, _ = engine.step(mini, s0, "accept")
    s1 = engine.record_journal(s1, "because")
    s2, _ = engine.step(mini, s1, "sign")
    assert engine.undo(mini, s2) == s1
    assert engine.undo(mini, s2, to=1) == s0
    with pytest.raises(GameError):
        engine.undo(mini, s0)


def test_divergence_is_zero_on_history_and_grows_off_it(mini: Pack) -> None:
    s = engine.new_game(mini, ["us"])
    _, d = engine.step(mini, s, "accept")
    assert d.divergence == 0.0
    _, d2 = engine.step(mini, s, "refuse")
    # record on 2018-07-01 is trust 40, tension 30; run has 10 and 60: (30 + 30) / 2
    assert d2.divergence == 30.0


def test_record_takes_latest_checkpoint_at_or_before_the_date(mini: Pack) -> None:
    assert mini.record.at(dt.date(2018, 5, 31)) == {"trust": 20.0, "tension": 50.0}
    assert mini.record.at(dt.date(2018, 6, 1)) == {"trust": 40.0, "tension": 30.0}
    assert mini.record.at(dt.date(2017, 1, 1)) == {"trust": 20.0, "tension": 50.0}


def test_hot_seat_orders_turns_by_date_and_skips_events_by_played_seats(mini: Pack) -> None:
    solo = engine.new_game(mini, ["dprk"])
    assert solo.meters["tension"] == 55.0, "the US event applies when nobody plays the US"
    both = engine.new_game(mini, ["us", "dprk"])
    assert both.turn == "dprk", "2018-01-01 comes before the US scene of 2018-03-08"
    assert both.meters["tension"] == 50.0, "the US player makes that move, not the event"
    both, _ = engine.step(mini, both, "offer")
    assert both.turn == "us"
    both, _ = engine.step(mini, both, "accept")
    both, _ = engine.step(mini, both, "sign")
    assert engine.is_over(mini, both)


def test_the_parse_cache_gives_the_same_pack_and_survives_garbage(tmp_path: Path) -> None:
    from summit_game.loader import load_pack

    mini_dir = Path(__file__).parent / "packs" / "mini"
    plain = load_pack(mini_dir)
    first = load_pack(mini_dir, tmp_path)
    second = load_pack(mini_dir, tmp_path)
    assert first.pack is not None and second.pack is not None and plain.pack is not None
    assert second.pack.digest == plain.pack.digest
    assert second.pack.scenario == plain.pack.scenario
    assert second.pack.locations == plain.pack.locations
    for f in tmp_path.rglob("*.json"):
        f.write_text("{not json")
    third = load_pack(mini_dir, tmp_path)
    assert third.pack is not None and third.pack.scenario == plain.pack.scenario
