"""`summit-game explore`: the fast kernel matches the engine, and the report finds problems."""

from __future__ import annotations

import json
import os
import random
import stat
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from summit_game import engine
from summit_game import explore as explore_module
from summit_game.cli import main
from summit_game.explore import (
    CAPPED,
    ENDED,
    STUCK,
    conciliation,
    explore,
    render_text,
    sample_runs,
)
from summit_game.loader import load_pack
from summit_game.pack import Pack

ROOT = Path(__file__).resolve().parents[1]
PACKS = ROOT / "tests" / "packs"
SHIPPED = ROOT / "content" / "korea-2017-2025"
DOC = ROOT / "docs" / "authoring.md"
METERS = ["trust_us_dprk", "trust_us_rok", "trust_dprk_rok", "sanctions", "posture", "arsenal"]
ROLES = ["us", "dprk", "rok"]


def synthetic_pack(root: Path, stages: int = 6, seed: int = 1) -> Path:
    """A pack shaped like the shipped one: three seats, six meters, events by every
    seat (own seat included), conditional choices, flags, visited() branches."""
    rng = random.Random(seed)
    (root / "scenes").mkdir(parents=True)
    meters = "\n".join(f"  {m}:\n    label: {m}\n    start: 50" for m in METERS)
    roles = "\n".join(f"  {r}:\n    name: {r}\n    brief: b\n    start: {r}-0-a" for r in ROLES)
    (root / "scenario.yaml").write_text(
        "format: 1\nid: synth\ntitle: t\nsummary: s\nstart: 2017-01-01\nend: 2025-12-31\n"
        f"roles:\n{roles}\nmeters:\n{meters}\n"
    )
    for r in ROLES:
        out = ["scenes:"]
        for i in range(stages):
            for alt in ("a",) if i == 0 else ("a", "b"):
                sid = f"{r}-{i}-{alt}"
                out += [f"  - id: {sid}", f"    role: {r}", "    date: 2018-01-01"]
                out += [f"    title: {sid}", "    text: t", "    events:"]
                for by in ROLES:
                    m, k = rng.choice(METERS), rng.randint(-9, 9)
                    out += [f"      - text: by {by}", f"        by: {by}"]
                    out += [f"        effects: {{{m}: {k}}}"]
                    if rng.random() < 0.5:
                        out.append(f'        if: "{rng.choice(METERS)} > {rng.randint(30, 70)}"')
                out.append("    choices:")
                last = i + 1 == stages
                nxt_a = f"{r}-end-good" if last else f"{r}-{i + 1}-a"
                nxt_b = f"{r}-end-bad" if last else f"{r}-{i + 1}-b"
                for k in range(4):
                    effs = ", ".join(f"{m}: {rng.randint(-30, 30)}" for m in rng.sample(METERS, 3))
                    out += [f"      - id: c{k}", f"        text: choice {k}"]
                    out.append(f"        effects: {{{effs}}}")
                    if k == 3:
                        cond = f"{rng.choice(METERS)} >= {rng.randint(30, 70)} and not f{r}{i}"
                        out.append(f'        if: "{cond}"')
                    if k == 0:
                        out.append("        historical: true")
                    if k == 1:
                        out.append(f"        set: [f{r}{i}]")
                    cond = f"{rng.choice(METERS)} > {rng.randint(30, 70)} or visited({r}-1-b)"
                    out += [
                        "        next:",
                        f'          - if: "{cond}"',
                        f"            goto: {nxt_b}",
                    ]
                    out.append(f"          - goto: {nxt_a}")
        for e in ("good", "bad"):
            out += [f"  - id: {r}-end-{e}", f"    role: {r}", "    date: 2019-01-01"]
            out += [f"    title: {e}", "    text: t", "    ending:", f"      title: {e}"]
            out.append("      summary: s")
        (root / "scenes" / f"{r}.yaml").write_text("\n".join(out) + "\n")
    return root


def one_seat_pack(root: Path, scenes: str, meters: bool = True) -> Path:
    """A pack with one seat, `us`, starting at `us-start`, and two meters (or none)."""
    (root / "scenes").mkdir(parents=True)
    (root / "scenario.yaml").write_text(
        "format: 1\nid: t\ntitle: t\nsummary: s\nstart: 2018-01-01\nend: 2019-12-31\n"
        "roles:\n  us:\n    name: US\n    brief: b\n    start: us-start\n"
        + (
            "meters:\n  trust:\n    label: Trust\n    start: 20\n"
            "  tension:\n    label: Tension\n    start: 50\n"
            if meters
            else "meters: {}\n"
        )
    )
    (root / "scenes" / "us.yaml").write_text(scenes)
    return root


def _end(sid: str, title: str = "End") -> str:
    return (
        f"  - id: {sid}\n    role: us\n    date: 2019-01-01\n    title: {title}\n"
        f"    text: t\n    ending:\n      title: {title}\n      summary: s\n"
    )


LOOP = (
    "scenes:\n  - id: us-start\n    role: us\n    date: 2018-01-01\n    title: t\n    text: t\n"
    "    choices:\n      - id: wait\n        text: Wait\n        next: us-start\n"
    "      - id: go\n        text: Go\n        if: tension > 1000\n        next: us-end\n"
) + _end("us-end")

STUCK_PACK = (
    "scenes:\n  - id: us-start\n    role: us\n    date: 2018-01-01\n    title: t\n    text: t\n"
    "    choices:\n      - id: onward\n        text: Onward\n        effects: {tension: 10}\n"
    "        next: us-mid\n"
    "  - id: us-mid\n    role: us\n    date: 2018-02-01\n    title: t\n    text: t\n"
    "    choices:\n      - id: a\n        text: A\n        if: tension < 55\n        next: us-end\n"
) + _end("us-end")


def load(root: Path) -> Pack:
    result = load_pack(root)
    assert result.pack is not None, [d.format() for d in result.diagnostics]
    return result.pack


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    return load(synthetic_pack(tmp_path_factory.mktemp("synth") / "pack"))


def shipped() -> Pack:
    result = load_pack(SHIPPED)
    if result.pack is None:
        pytest.skip("the shipped pack does not load yet")
    return result.pack


# --------------------------------------------------------------------------- kernel = engine


def assert_replays(pack: Pack, seat: str, runs: int, seed: int) -> set[str]:
    """Replay kernel runs through engine.step; return the statuses seen."""
    statuses = set()
    for r in sample_runs(pack, seat, runs, seed):
        state = engine.new_game(pack, [seat])
        for cid in r.choices:
            state, _ = engine.step(pack, state, cid)
        assert state.scene_id == r.scene
        assert state.meters == r.meters
        assert state.flags == r.flags
        assert state.visited == r.visited
        assert engine.is_over(pack, state) == (r.status == ENDED)
        if r.status == STUCK:
            assert engine.available(pack, state) == []
        statuses.add(r.status)
    return statuses


def test_kernel_runs_replay_exactly_through_the_engine_on_mini(mini: Pack) -> None:
    for seat in mini.scenario.roles:
        assert assert_replays(mini, seat, 100, seed=7) == {ENDED}


def test_kernel_runs_replay_exactly_on_a_pack_with_events_flags_and_visits(synth: Pack) -> None:
    for seat in ROLES:
        assert assert_replays(synth, seat, 150, seed=3) == {ENDED}


def test_kernel_runs_replay_exactly_on_the_shipped_pack() -> None:
    pack = shipped()
    for seat in pack.scenario.roles:
        assert_replays(pack, seat, 60, seed=11)


def test_stuck_runs_match_the_engine(tmp_path: Path) -> None:
    pack = load(one_seat_pack(tmp_path / "p", STUCK_PACK))
    assert assert_replays(pack, "us", 5, seed=0) == {STUCK}


NO_METERS = (
    "scenes:\n  - id: us-start\n    role: us\n    date: 2018-01-01\n    title: t\n    text: t\n"
    "    choices:\n      - id: a\n        text: A\n        next: us-end\n"
    "      - id: b\n        text: B\n        next: us-start\n"
) + _end("us-end")


def recount(pack: Pack, seat: str, runs: int, seed: int) -> dict[str, Any]:
    """The report's per-scene and per-choice figures, counted again from engine replays.

    The kernel counts as little as it can and the report works the rest out
    (visits from recorded meter rows, offers from visits and the step cap);
    this recount shares none of that: every state comes from ``engine.step``.
    """
    cap = explore_module.step_cap(pack)
    visits: Counter[str] = Counter()
    reached: Counter[str] = Counter()
    offered: Counter[tuple[str, str]] = Counter()
    taken: Counter[tuple[str, str]] = Counter()
    ranges: dict[str, dict[str, list[float]]] = {}
    for r in sample_runs(pack, seat, runs, seed):
        state = engine.new_game(pack, [seat])
        shown = [state]
        for cid in r.choices:
            taken[(state.scene_id, cid)] += 1
            state, _ = engine.step(pack, state, cid)
            shown.append(state)
        assert len(shown) == r.steps + 1
        assert r.steps == cap if r.status == CAPPED else r.steps <= cap
        for n, st in enumerate(shown):
            sid = st.scene_id
            visits[sid] += 1
            span = ranges.setdefault(sid, {m: [v, v] for m, v in st.meters.items()})
            for m, v in st.meters.items():
                span[m] = [min(span[m][0], v), max(span[m][1], v)]
            capped_here = n == r.steps and r.status == CAPPED
            if not engine.is_over(pack, st) and not capped_here:
                for c in engine.available(pack, st):
                    offered[(sid, c.id)] += 1
        reached.update(shown[-1].visited)
    return {
        "scenes": {
            sid: (visits[sid], reached[sid], ranges.get(sid, {}))
            for sid, scene in pack.scenes.items()
            if scene.role == seat or visits[sid]
        },
        "choices": {
            (sid, c.id): (offered[(sid, c.id)], taken[(sid, c.id)])
            for sid, scene in pack.scenes.items()
            if scene.role == seat or visits[sid]
            for c in scene.choices
        },
    }


@pytest.mark.parametrize("which", ["mini", "synth", "loop", "stuck", "no-meters", "shipped"])
def test_report_counts_match_an_engine_replay(
    which: str, mini: Pack, synth: Pack, tmp_path: Path
) -> None:
    if which == "mini":
        pack = mini
    elif which == "synth":
        pack = synth
    elif which == "shipped":
        pack = shipped()
    else:
        scenes = {"loop": LOOP, "stuck": STUCK_PACK, "no-meters": NO_METERS}[which]
        pack = load(one_seat_pack(tmp_path / "p", scenes, meters=which != "no-meters"))
    runs = 40 if which == "shipped" else 120
    for seat in pack.scenario.roles:
        want = recount(pack, seat, runs, seed=4)
        data = explore(pack, runs=runs, seed=4, seats=[seat]).as_json()
        got = {
            "scenes": {
                s["id"]: (s["visits"], s["runs"], {m: lo_hi for m, lo_hi in s["meters"].items()})
                for s in data["scenes"]
            },
            "choices": {
                (c["scene"], c["choice"]): (c["offered"], c["taken"]) for c in data["choices"]
            },
        }
        assert got == want


# --------------------------------------------------------------------------- the report


def test_same_seed_same_report_other_seed_other_runs(synth: Pack) -> None:
    a = explore(synth, runs=200, seed=5).as_json()
    b = explore(synth, runs=200, seed=5).as_json()
    c = explore(synth, runs=200, seed=6).as_json()
    assert a == b
    assert a != c


def test_mini_counts_endings_choices_and_conditions(mini: Pack) -> None:
    report = explore(mini, runs=2000, seed=1, exhaustive=True)
    data = report.as_json()
    us = data["seats"]["us"]
    shares = {e["scene"]: e["share"] for e in us["endings"]}
    # accept->sign|walk, refuse->crisis->bad: history 1/4 of random play.
    assert shares["us-end-history"] == pytest.approx(0.25, abs=0.04)
    assert us["best_ending"] == "us-end-history"
    ex = us["exhaustive"]
    assert ex["complete"] and ex["playthroughs"] == 3 and ex["loop_scenes"] == []
    assert {e["scene"]: e["probability"] for e in ex["endings"]} == {
        "us-end-history": 0.25,
        "us-end-bad": 0.75,
    }
    strategies = {s["name"]: s for s in us["strategies"]}
    assert strategies["first"]["choices"] == ["accept", "sign"]
    assert strategies["conciliatory"]["reaches_best"] is True
    assert strategies["hardline"]["scene"] == "us-end-bad"
    assert strategies["hardline"]["choices"] == ["refuse", "calm"]
    # dprk has one ending: nothing to win, nothing flagged.
    assert data["seats"]["dprk"]["best_ending"] is None
    findings = data["findings"]
    assert findings["certain"] is True
    # Refusing always pushes tension past 55, and `walk` needs no refusal:
    # both conditions are decided before the player ever sees them.
    assert findings["conditions_always_true"] == [
        "us-one: choice refuse, next[0] `if`",
        "us-two: choice walk `if`",
    ]
    assert findings["scenes_never_reached"] == []
    scenes = {s["id"]: s for s in data["scenes"]}
    assert scenes["us-crisis"]["meters"] == {"trust": [10, 10], "tension": [60, 60]}
    # The opening event is by `us`, so the dprk seat plays it (55, not 50).
    assert scenes["dprk-one"]["meters"]["tension"] == [55, 55]
    assert scenes["us-one"]["visits"] == 2000 and scenes["us-one"]["runs"] == 2000


def test_conciliation_is_trust_minus_everything_else(mini: Pack) -> None:
    us_one = mini.scenes["us-one"]
    accept, refuse = us_one.choices
    assert conciliation(accept) == 20 - (-20)
    assert conciliation(refuse) == -10 - 10


def test_a_loop_no_random_run_leaves_is_reported(tmp_path: Path) -> None:
    pack = load(one_seat_pack(tmp_path / "p", LOOP))
    report = explore(pack, runs=20, exhaustive=True)
    us = report.seats[0]
    assert us.capped == {"us-start": 20}
    assert us.exhaustive is not None and us.exhaustive.loop_scenes == ["us-start"]
    f = report.findings()
    assert f["capped_runs"] == {"us-start": 20}
    assert f["loop_scenes"] == ["us-start"]
    assert f["choices_never_offered"] == [{"scene": "us-start", "choice": "go"}]
    assert f["conditions_never_true"] == ["us-start: choice go `if`"]
    assert f["scenes_never_reached"] == ["us-end"]
    assert all(s.status == CAPPED for s in us.strategies)
    text = render_text(report)
    assert "Runs that hit the step cap (loops), by scene: 1\n  us-start: 20 runs" in text


def test_a_scene_with_nothing_on_offer_is_reported(tmp_path: Path) -> None:
    pack = load(one_seat_pack(tmp_path / "p", STUCK_PACK))
    report = explore(pack, runs=10, exhaustive=True)
    f = report.findings()
    assert f["stuck"] == {"us-mid": 10}
    assert report.seats[0].exhaustive is not None
    assert report.seats[0].exhaustive.stuck == ["us-mid"]
    assert "Scenes with no choice on offer (stuck): 1\n  us-mid: 10 runs" in render_text(report)


def test_the_state_cap_stops_exhaustive_search_and_says_so(synth: Pack) -> None:
    report = explore(synth, runs=50, exhaustive=True, max_states=100)
    for seat in report.seats:
        assert seat.exhaustive is not None and not seat.exhaustive.complete
    assert report.findings()["certain"] is False
    assert "Exhaustive search: stopped after" in render_text(report)


def test_meter_ranges_are_the_same_when_folded_early(
    synth: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meter values are folded into low/high values to bound memory: same ranges,
    and the same visits (counted from the values recorded, folded or not)."""
    whole = explore(synth, runs=300, seed=2, exhaustive=True, max_states=2000).as_json()
    monkeypatch.setattr(explore_module, "_FOLD_AT", 3)
    monkeypatch.setattr(explore_module, "_FOLD_PER_SCENE", 0)
    folded = explore(synth, runs=300, seed=2, exhaustive=True, max_states=2000).as_json()
    assert folded == whole


def test_no_runs_still_reports_strategies(mini: Pack) -> None:
    data = explore(mini, runs=0).as_json()
    assert data["seats"]["us"]["endings"] == [] and data["decisions"] == 0
    assert len(data["seats"]["us"]["strategies"]) == 4


def test_progress_is_reported_for_every_seat(mini: Pack) -> None:
    calls: list[tuple[str, int, int]] = []
    explore(mini, runs=1100, progress=lambda s, d, t: calls.append((s, d, t)))
    assert ("us", 512, 1100) in calls and ("us", 1100, 1100) in calls
    assert ("dprk", 1100, 1100) in calls


def test_the_kernel_is_fast(synth: Pack) -> None:
    """Loose on purpose (CI machines are slow and shared); the real figure is
    around 300,000-400,000 decisions a second."""
    started = time.perf_counter()
    report = explore(synth, runs=1000)
    elapsed = time.perf_counter() - started
    assert report.decisions / elapsed > 20_000


# --------------------------------------------------------------------------- the command


def test_explore_text_on_mini(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(PACKS / "mini"), "--runs", "300", "--exhaustive"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Exploring mini (version 1): 300 random runs per seat, seed 0")
    assert "== Seat us (US) ==" in out
    assert "always the hardest line: reaches us-end-bad after 2 decisions" in out
    assert "Exhaustive search: 6 states, 3 distinct playthroughs:" in out
    assert "== Findings (every reachable state was visited, so these are certain) ==" in out


def test_explore_json_keys_are_the_documented_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(PACKS / "mini"), "--runs", "50", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## Exploring a pack") : doc.index("## Drawing the scene graph")]
    keys = set(data) | set(data["settings"]) | set(data["findings"]) | set(data["pack"])
    seat = data["seats"]["us"]
    keys |= set(seat) | set(seat["endings"][0]) | set(seat["strategies"][0])
    keys |= set(data["scenes"][0]) | set(data["choices"][0]) | set(data["conditions"][0])
    undocumented = sorted(k for k in keys if k not in section)
    assert not undocumented
    assert data["format"] == 1 and data["settings"]["exhaustive"] is False
    assert seat["exhaustive"] is None


def test_explore_json_with_exhaustive_has_the_documented_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["explore", str(PACKS / "mini"), "--runs", "5", "--format", "json", "--exhaustive"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    ex = data["seats"]["us"]["exhaustive"]
    doc = DOC.read_text(encoding="utf-8")
    for key in [*ex, *ex["endings"][0], "true_states", "offered_states"]:
        assert f"`{key}`" in doc or key in doc


def test_explore_seats_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    args = ["explore", str(PACKS / "mini"), "--seats", "dprk", "--format", "json", "-o", str(out)]
    assert main([*args, "--runs", "10"]) == 0
    data = json.loads(out.read_text())
    assert list(data["seats"]) == ["dprk"]
    # Only the explored seat's scenes are listed.
    assert {s["role"] for s in data["scenes"]} == {"dprk"}
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--seats", "usa"],
        ["--runs", "-1"],
        ["--max-states", "0"],
        ["--format", "yaml"],
        ["--runs", "many"],
    ],
)
def test_explore_misuse_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(PACKS / "mini"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("summit-game: ") and "Traceback" not in err


def test_explore_a_missing_pack_reports_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", str(tmp_path / "nothing")]) == 1
    assert "SG013" in capsys.readouterr().err


BROKEN = sorted(p for p in (PACKS / "broken").glob("*") if p.is_dir())


@pytest.mark.parametrize("pack", BROKEN, ids=[p.name for p in BROKEN])
def test_explore_reports_on_every_broken_pack_without_crashing(
    pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explore", str(pack), "--runs", "20", "--exhaustive", "--max-states", "500"])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
    if code == 1:
        assert "SG" in err


def test_explore_the_shipped_pack(capsys: pytest.CaptureFixture[str]) -> None:
    pack = shipped()
    assert main(["explore", str(SHIPPED), "--runs", "200", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["seats"]) == set(pack.scenario.roles)
    for seat in data["seats"].values():
        assert seat["runs"] == 200
        assert (
            sum(e["runs"] for e in seat["endings"]) + seat["capped_runs"] + seat["stuck_runs"]
            == 200
        )
        assert len(seat["strategies"]) == 4


# --------------------------------------------------------------------------- graph --svg


def test_graph_svg_without_graphviz_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    svg = tmp_path / "g.svg"
    assert main(["graph", str(PACKS / "mini"), "--svg", str(svg)]) == 1
    err = capsys.readouterr().err
    assert "Graphviz" in err and "not installed" in err
    assert not svg.exists()


def test_graph_svg_runs_dot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A stand-in for Graphviz's dot: records its input, writes a tiny SVG.
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\ncat > "{tmp_path}/input.dot"\necho "<svg>$1</svg>" > "$3"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    svg = tmp_path / "g.svg"
    assert main(["graph", str(PACKS / "mini"), "--svg", str(svg)]) == 0
    assert svg.read_text() == "<svg>-Tsvg</svg>\n"
    assert (tmp_path / "input.dot").read_text().startswith("digraph summit {")
    assert capsys.readouterr().out == ""  # the SVG replaces the text on stdout


def test_graph_svg_reports_a_failing_dot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["graph", str(PACKS / "mini"), "--svg", str(tmp_path / "g.svg")]) == 1
    assert "syntax error in line 1" in capsys.readouterr().err
