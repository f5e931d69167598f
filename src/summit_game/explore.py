"""The content explorer: automatic playthroughs that find a pack's dead ends before class.

``summit-game explore`` plays every seat of a pack many times, alone (one
seat at a time, as in solo play), and reports what a teacher needs before
a lesson: how often each scene and choice comes up, what never does, how the
endings are shared out, each meter's range per scene, conditions that are
always or never true, runs that go round in circles, and what a few simple
strategies reach.  ``docs/authoring.md`` ("Exploring a pack") documents the
report and every key of its JSON form.

Speed
-----
A teacher runs 10,000 playthroughs of the shipped pack in a few seconds, so
the explorer does not go through :func:`summit_game.engine.step` (a new frozen
state, a decision log) for every decision.  :class:`_Kernel` runs the
compiled :class:`~summit_game.pack.PlayScene` objects directly, on a plain
``dict`` of meters and ``set`` of flags and visits, with the *same*
semantics as ``engine.step`` for one seat:

* entering a scene marks it visited and applies its events in order (an
  event whose ``if`` fails, or whose ``by`` is the seat being played, is
  skipped); a scene already visited is not entered again;
* a choice's effects are added then clamped to the meter's bounds, one at a
  time, in the pack's order; its flags are set; then the first ``next``
  branch whose condition holds on that new state wins (``visited`` there is
  the set before the target is entered, the current scene included).

``tests/test_explore.py`` replays hundreds of random kernel runs through
``engine.step`` and compares meters, flags, visits and endings exactly.

Counting costs more than playing: recording the meters at every scene shown
(for the report's per-scene meter ranges) once took half the explorer's time.
So the kernel records a visit as one ``list += dict.values()``, folds those
values into low/high figures in bulk, and counts only what nothing else
gives: visits are the rows of meter values recorded, and a choice's offers
follow from its scene's visits (see :class:`_Tally`).  The same tests count
visits, runs, offers, takes and meter ranges again from
the engine's replays.

Definitions (also in docs/authoring.md)
---------------------------------------
* **Conciliation score** of a choice: the sum of its effects on *trust
  meters* (meters whose id starts with ``trust``) minus the sum of its effects
  on every other meter (sanctions, posture, arsenal, tension...).  The *most
  conciliatory* strategy takes the offered choice with the highest score,
  the *hardest line* the lowest; ties go to the choice listed first.
* **Trust sum**: the sum of the trust meters.  A seat's **best ending** is
  the ending whose random-run arrivals have the highest mean trust sum (ties:
  the ending listed first in the pack).  A pack without trust meters has no
  best ending.
* **Exhaustive search** visits every distinct state a seat can reach, where
  a state is the scene on the table, every meter, the flags set, and the
  visits that can still matter (scenes named in a ``visited()`` condition
  and scenes with entry events); it stops after ``max_states`` distinct
  states per seat (default :data:`MAX_STATES`) and says so.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final

from summit_game.conditions import Condition
from summit_game.errors import UsageError
from summit_game.pack import Pack, PlayChoice
from summit_game.text import visible

#: Random playthroughs per seat when ``--runs`` is not given.
DEFAULT_RUNS: Final = 1000
#: Distinct states per seat the exhaustive search visits before it gives up.
MAX_STATES: Final = 100_000
#: The JSON report's own format version; bumped only when a key changes meaning.
REPORT_FORMAT: Final = 1
#: Names of the simple strategies, in report order.
STRATEGIES: Final = ("first", "historical", "conciliatory", "hardline")
STRATEGY_LABELS: Final = {
    "first": "always the first choice offered",
    "historical": "always the historical choice (else the first)",
    "conciliatory": "always the most conciliatory choice",
    "hardline": "always the hardest line",
}

Progress = Callable[[str, int, int], None]
"""Called as ``progress(seat, runs_done, runs_total)`` during long explorations."""


def step_cap(pack: Pack) -> int:
    """Decisions one run may take before it counts as stuck in a loop."""
    return max(200, 10 * len(pack.scenes))


def is_trust_meter(meter_id: str) -> bool:
    """Trust meters count for conciliation; every other meter counts against it."""
    return meter_id.startswith("trust")


def _fast(cond: Condition | None) -> _Test | None:
    """The compiled function behind a condition (same result, one call fewer)."""
    return None if cond is None else cond.fn


def conciliation(choice: PlayChoice) -> float:
    """The conciliation score of a choice (see the module docstring)."""
    return sum(d if is_trust_meter(m) else -d for m, d in choice.effects)


# --------------------------------------------------------------------------- kernel

# Hot-path records are plain tuples: indexing a tuple is the cheapest access
# CPython has, and the kernel does little else.
#   effect:  (meter id, delta, min, max)
#   branch:  (condition or None, condition site or -1, target scene index)
#   choice:  (choice index, condition or None, site or -1, effects, flags, branches,
#             goto: the target when the first branch has no condition, else -1)
#   event:   (condition or None, site or -1, effects)
# Conditions are stored as the compiled function inside the Condition: calling
# it directly saves a Python call per test, a quarter of the explorer's time on
# a pack that tests a condition at every choice.
_Test = Callable[..., bool]
_Effect = tuple[str, float, float, float]
_Branch = tuple[_Test | None, int, int]
_KChoice = tuple[
    int, _Test | None, int, tuple[_Effect, ...], frozenset[str], tuple[_Branch, ...], int
]
_KEvent = tuple[_Test | None, int, tuple[_Effect, ...]]
_Picker = Callable[[Sequence[_KChoice]], _KChoice]


def _first(offered: Sequence[_KChoice]) -> _KChoice:
    """The first choice on offer (also the ``first`` strategy)."""
    return offered[0]


ENDED: Final = "ending"
CAPPED: Final = "capped"
STUCK: Final = "stuck"


@dataclass(frozen=True, slots=True)
class ConditionSite:
    """Where a condition is written: its kind, scene, and which choice or event."""

    kind: str
    """``choice`` (a choice's ``if``), ``next`` (a branch's ``if``) or ``event``."""
    scene: str
    choice: str | None
    """The choice id for ``choice`` and ``next`` sites."""
    index: int | None
    """The branch number (``next``) or event number (``event``), from 0."""
    text: str

    @property
    def where(self) -> str:
        """A short human-readable place, e.g. ``us-two: choice walk, next[0]``."""
        if self.kind == "choice":
            return f"{self.scene}: choice {self.choice} `if`"
        if self.kind == "next":
            return f"{self.scene}: choice {self.choice}, next[{self.index}] `if`"
        return f"{self.scene}: events[{self.index}] `if`"


class _Index:
    """Integer indices for every scene, choice and condition site of a pack."""

    def __init__(self, pack: Pack) -> None:
        self.meter_ids = tuple(pack.scenario.meters)
        self.scene_ids = list(pack.scenes)
        self.scene_of = {sid: i for i, sid in enumerate(self.scene_ids)}
        self.ending = [scene.is_ending for scene in pack.scenes.values()]
        self.choices: list[tuple[str, PlayChoice]] = []
        self.choice_of: dict[tuple[str, str], int] = {}
        self.choice_scene: list[int] = []
        """The scene index of each choice."""
        self.choice_site: list[int] = []
        """The condition site of each choice's ``if``, or -1 when it has none."""
        self.sites: list[ConditionSite] = []
        self.site_of: dict[tuple[str, str, str | None, int | None], int] = {}
        for sid, scene in pack.scenes.items():
            for k, ev in enumerate(scene.events):
                if ev.condition is not None:
                    self._site("event", sid, None, k, ev.condition)
            for c in scene.choices:
                self.choice_of[(sid, c.id)] = len(self.choices)
                self.choices.append((sid, c))
                self.choice_scene.append(self.scene_of[sid])
                self.choice_site.append(len(self.sites) if c.condition is not None else -1)
                if c.condition is not None:
                    self._site("choice", sid, c.id, None, c.condition)
                for k, (cond, _) in enumerate(c.next):
                    if cond is not None:
                        self._site("next", sid, c.id, k, cond)

    def _site(self, kind: str, sid: str, cid: str | None, k: int | None, cond: Condition) -> None:
        self.site_of[(kind, sid, cid, k)] = len(self.sites)
        self.sites.append(ConditionSite(kind, sid, cid, k, cond.source))


#: Visits (all scenes together) whose meter values are kept before they are
#: folded into low/high values: few enough that the values are still in the
#: processor's cache when folded (folding every 65,536 visits is a tenth
#: slower overall), ...
_FOLD_AT: Final = 1 << 13
#: ... and enough for each scene to have several to fold at once in a pack
#: with thousands of scenes (a fold costs a few microseconds per scene).
_FOLD_PER_SCENE: Final = 8
#: What a visit records in a pack without meters: one placeholder value, so
#: that visits can still be counted as rows (see :class:`_Tally`).
_NO_METERS: Final = (0.0,)


@dataclass
class _Tally:
    """Counters filled by the kernel, indexed like :class:`_Index`.

    The hot loop counts as little as it can (recording the meters at each
    visit is already half of a decision's cost); what follows from other
    counts is worked out when asked: :meth:`visits` and :meth:`offered`.
    """

    index: _Index
    width: int
    """Values recorded per visit: the number of meters (1 in a pack without any)."""
    reached: list[int]
    capped: list[int]
    """Runs stopped at each scene by the step cap (no choice was offered there)."""
    taken: list[int]
    true: list[int]
    false: list[int]
    meters_seen: list[list[float]]
    """The meter values at each visit of each scene since the last fold, one
    row of ``width`` values per visit, flat: extending a list with a live view
    of the meters is the cheapest record of a visit the hot loop can make (a
    tuple added to a set costs four times as much, and the explorer used to
    spend half its time there)."""
    pending: int
    """Visits recorded in ``meters_seen`` since the last fold, all scenes together."""
    fold_at: int
    """Pending visits that call for a fold."""
    folded: list[int]
    """Visits of each scene already folded into ``low`` and ``high``."""
    low: list[list[float] | None]
    high: list[list[float] | None]
    """Each meter's lowest and highest value seen at each scene, folded from
    ``meters_seen`` once ``fold_at`` visits are pending, so memory stays
    bounded however many runs are made."""

    @classmethod
    def empty(cls, index: _Index) -> _Tally:
        n, c, k = len(index.scene_ids), len(index.choices), len(index.sites)
        return cls(
            index,
            len(index.meter_ids) or len(_NO_METERS),
            [0] * n,
            [0] * n,
            [0] * c,
            [0] * k,
            [0] * k,
            [[] for _ in range(n)],
            0,
            max(_FOLD_AT, _FOLD_PER_SCENE * n),
            [0] * n,
            [None] * n,
            [None] * n,
        )

    def visits(self, i: int) -> int:
        """How often scene ``i`` was shown: every visit recorded one row of meters."""
        return self.folded[i] + len(self.meters_seen[i]) // self.width

    def offered(self, i: int) -> int:
        """How often choice ``i`` was offered.

        Every visit of a scene ends in exactly one of three ways: the scene is
        an ending, the run hits the step cap there, or its choices are
        weighed.  So a choice without an ``if`` was offered at every visit of
        its (non-ending) scene that the cap did not stop, and a choice with
        one exactly when its condition was true: the kernel need not count it.
        """
        index = self.index
        scene = index.choice_scene[i]
        if index.ending[scene]:
            return 0
        site = index.choice_site[i]
        if site >= 0:
            return self.true[site]
        return self.visits(scene) - self.capped[scene]

    def fold_all(self) -> None:
        """Fold every scene's recorded meter values (see :meth:`fold`)."""
        for i, seen in enumerate(self.meters_seen):
            if seen:
                self.fold(i)
        self.pending = 0

    def fold(self, i: int) -> None:
        """Move scene ``i``'s recorded meter values into its low/high values."""
        seen = self.meters_seen[i]
        if not seen:
            return
        width = self.width
        cols = [seen[k::width] for k in range(width)]
        self.folded[i] += len(seen) // width
        seen.clear()
        self._merge(i, [min(c) for c in cols], [max(c) for c in cols])

    def _merge(self, i: int, low: list[float], high: list[float]) -> None:
        old_low, old_high = self.low[i], self.high[i]
        if old_low is not None and old_high is not None:
            low = [min(a, b) for a, b in zip(low, old_low, strict=True)]
            high = [max(a, b) for a, b in zip(high, old_high, strict=True)]
        self.low[i], self.high[i] = low, high

    def ranges(self, i: int) -> list[tuple[float, float]] | None:
        """Each meter's (lowest, highest) value as scene ``i`` was shown, or None."""
        self.fold(i)
        low, high = self.low[i], self.high[i]
        if low is None or high is None:
            return None
        return list(zip(low, high, strict=True))

    def add(self, other: _Tally) -> None:
        for mine, theirs in (
            (self.reached, other.reached),
            (self.capped, other.capped),
            (self.taken, other.taken),
            (self.true, other.true),
            (self.false, other.false),
        ):
            for i, v in enumerate(theirs):
                mine[i] += v
        for i in range(len(self.meters_seen)):
            other.fold(i)
            low, high = other.low[i], other.high[i]
            if low is not None and high is not None:
                self.fold(i)
                self.folded[i] += other.folded[i]
                self._merge(i, low, high)


@dataclass
class RunResult:
    """How one kernel run ended."""

    status: str
    """``ending``, ``capped`` (hit the step cap) or ``stuck`` (no choice on offer)."""
    scene: str
    """The scene the run stopped at."""
    steps: int
    meters: dict[str, float]
    flags: AbstractSet[str]
    visited: AbstractSet[str]
    """The run's own flags and visits: handed over, not copied (each run has new ones)."""
    choices: list[str]
    """The choice ids taken, in order (only kept when asked for)."""


class _Kernel:
    """One seat's compiled view of a pack, and the fast single-seat step loop."""

    def __init__(self, pack: Pack, seat: str, index: _Index) -> None:
        if seat not in pack.scenario.roles:
            raise UsageError(
                f"unknown seat {seat!r}", f"choose from: {', '.join(pack.scenario.roles)}"
            )
        self.pack = pack
        self.seat = seat
        self.index = index
        bounds = {mid: (float(m.min), float(m.max)) for mid, m in pack.scenario.meters.items()}
        self.meter_ids = tuple(pack.scenario.meters)
        self.start_meters = {mid: float(m.start) for mid, m in pack.scenario.meters.items()}
        self.trust_ids = tuple(m for m in self.meter_ids if is_trust_meter(m))
        self.start = index.scene_of[pack.scenario.roles[seat].start]
        self.ids: list[str] = index.scene_ids
        self.ending: list[bool] = index.ending
        self.choices: list[tuple[_KChoice, ...]] = []
        self.events: list[tuple[_KEvent, ...]] = []
        self.fixed: list[tuple[_KChoice, ...] | None] = []
        """Per scene, its choices when none has an ``if`` (all always on offer), else None."""
        self.scores: dict[int, float] = {}
        self.historical: set[int] = set()

        def effects(effs: Iterable[tuple[str, float]]) -> tuple[_Effect, ...]:
            return tuple((m, d, *bounds[m]) for m, d in effs)

        relevant: set[str] = set()
        for sid, scene in pack.scenes.items():
            evs: list[_KEvent] = []
            for k, ev in enumerate(scene.events):
                if ev.by is not None and ev.by == seat:
                    continue
                site = index.site_of.get(("event", sid, None, k), -1)
                evs.append((_fast(ev.condition), site, effects(ev.effects)))
            if evs:
                relevant.add(sid)
            self.events.append(tuple(evs))
            kcs: list[_KChoice] = []
            for c in scene.choices:
                ci = index.choice_of[(sid, c.id)]
                branches = tuple(
                    (
                        _fast(cond),
                        index.site_of.get(("next", sid, c.id, k), -1),
                        index.scene_of[goto],
                    )
                    for k, (cond, goto) in enumerate(c.next)
                    if goto in index.scene_of
                )
                site = index.site_of.get(("choice", sid, c.id, None), -1)
                goto = branches[0][2] if branches and branches[0][0] is None else -1
                kcs.append(
                    (ci, _fast(c.condition), site, effects(c.effects), c.sets, branches, goto)
                )
                self.scores[ci] = conciliation(c)
                if c.historical:
                    self.historical.add(ci)
                for cond in (c.condition, *(b[0] for b in c.next)):
                    if cond is not None:
                        relevant |= cond.scenes
            for ev in scene.events:
                if ev.condition is not None:
                    relevant |= ev.condition.scenes
            self.choices.append(tuple(kcs))
            # Without a condition among them, the choices on offer never change.
            fixed = bool(kcs) and all(ch[1] is None for ch in kcs)
            self.fixed.append(tuple(kcs) if fixed else None)
        self.relevant = frozenset(relevant)
        """Visits that can change the future: named in `visited()`, or scenes with events."""

    # ------------------------------------------------------------------ one run

    def run(
        self,
        tally: _Tally,
        cap: int,
        *,
        rng: random.Random | None = None,
        strategy: _Picker | None = None,
        keep: bool = False,
    ) -> RunResult:
        """Play one run to an ending (or the step cap, or a scene with nothing on offer).

        ``rng`` picks uniformly among the choices on offer (inline: a call to
        a picker would cost a tenth of a decision), else ``strategy`` picks.
        ``keep`` records the choice ids taken.
        """
        if rng is None and strategy is None:
            raise ValueError("a run needs a random generator or a strategy")
        rnd = rng.random if rng is not None else None
        pick = strategy if strategy is not None else _first
        ids = self.ids
        ending = self.ending
        all_choices = self.choices
        all_fixed = self.fixed
        all_events = self.events
        reached = tally.reached
        taken_n = tally.taken
        true_n = tally.true
        false_n = tally.false
        seen = tally.meters_seen
        meters = dict(self.start_meters)
        # A live view: recording a visit copies the meters' values as they are then.
        values = meters.values() if meters else _NO_METERS
        flags: set[str] = set()
        visited: set[str] = set()
        taken: list[str] = []
        scene = self.start
        status = ENDED
        steps = 0
        target = scene
        offered: Sequence[_KChoice]
        while True:
            # Enter `target` (engine._enter): mark visited, apply events once per run.
            sid = ids[target]
            if sid not in visited:
                visited.add(sid)
                reached[target] += 1
                for cond, site, effs in all_events[target]:
                    if cond is not None:
                        if cond(meters, flags, visited):
                            true_n[site] += 1
                        else:
                            false_n[site] += 1
                            continue
                    for mid, d, lo, hi in effs:
                        v = meters[mid] + d
                        meters[mid] = hi if v > hi else lo if v < lo else v
            scene = target
            seen[scene] += values  # also counts the visit (`_Tally.visits`)
            if ending[scene]:
                break
            if steps >= cap:
                status = CAPPED
                tally.capped[scene] += 1
                break
            # Which choices are on offer; `_Tally.offered` counts them afterwards.
            fixed = all_fixed[scene]
            if fixed is not None:
                offered = fixed
            else:
                offered = []
                for ch in all_choices[scene]:
                    cond = ch[1]
                    if cond is not None:
                        if cond(meters, flags, visited):
                            true_n[ch[2]] += 1
                        else:
                            false_n[ch[2]] += 1
                            continue
                    offered.append(ch)
                if not offered:
                    status = STUCK
                    break
            ch = offered[int(rnd() * len(offered))] if rnd is not None else pick(offered)
            taken_n[ch[0]] += 1
            if keep:
                taken.append(self.index.choices[ch[0]][1].id)
            steps += 1
            for mid, d, lo, hi in ch[3]:
                v = meters[mid] + d
                meters[mid] = hi if v > hi else lo if v < lo else v
            if ch[4]:
                flags |= ch[4]
            target = ch[6]
            if target < 0:
                branches = ch[5]
                if not branches:  # only in a pack that failed `check`: nowhere to go
                    status = STUCK
                    break
                target = branches[-1][2]
                for cond, site, goto in branches:
                    if cond is None:
                        target = goto
                        break
                    if cond(meters, flags, visited):
                        true_n[site] += 1
                        target = goto
                        break
                    false_n[site] += 1
        tally.pending += steps + 1
        if tally.pending > tally.fold_at:
            tally.fold_all()
        return RunResult(status, ids[scene], steps, meters, flags, visited, taken)

    # ------------------------------------------------------------------ pickers

    def strategy_picker(self, name: str) -> _Picker:
        """One of :data:`STRATEGIES` as a picker (deterministic)."""
        scores = self.scores
        if name == "first":
            return _first
        if name == "historical":
            hist = self.historical
            return lambda offered: next((c for c in offered if c[0] in hist), offered[0])
        if name == "conciliatory":
            # max() keeps the first of equals, which is the tie rule we document.
            return lambda offered: max(offered, key=lambda c: scores[c[0]])
        if name == "hardline":
            return lambda offered: min(offered, key=lambda c: scores[c[0]])
        raise ValueError(name)

    def trust_sum(self, meters: dict[str, float]) -> float:
        """The sum of the trust meters."""
        return sum(meters[m] for m in self.trust_ids)

    # ------------------------------------------------------------------ exhaustive

    def exhaustive(self, tally: _Tally, max_states: int) -> ExhaustiveResult:
        """Every distinct state this seat can reach, memoised; exact shares when finite."""
        ids = self.ids
        relevant = self.relevant
        true_n, false_n = tally.true, tally.false

        def apply(meters: dict[str, float], effs: tuple[_Effect, ...]) -> None:
            for mid, d, lo, hi in effs:
                v = meters[mid] + d
                meters[mid] = hi if v > hi else lo if v < lo else v

        def enter(
            target: int, meters: dict[str, float], flags: frozenset[str], visited: frozenset[str]
        ) -> frozenset[str]:
            sid = ids[target]
            if sid in visited:
                return visited
            visited = visited | {sid}
            for cond, site, effs in self.events[target]:
                if cond is not None:
                    if cond(meters, flags, visited):
                        true_n[site] += 1
                    else:
                        false_n[site] += 1
                        continue
                apply(meters, effs)
            return visited

        State = tuple[int, dict[str, float], frozenset[str], frozenset[str]]
        keys: dict[tuple[Any, ...], int] = {}
        states: list[State] = []
        edges: list[list[int]] = []

        def intern(state: State) -> int:
            t, meters, flags, visited = state
            key = (t, tuple(meters.values()), flags, visited & relevant)
            found = keys.get(key)
            if found is not None:
                return found
            keys[key] = len(states)
            states.append(state)
            edges.append([])
            return len(states) - 1

        meters0 = dict(self.start_meters)
        visited0 = enter(self.start, meters0, frozenset(), frozenset())
        intern((self.start, meters0, frozenset(), visited0))
        complete = True
        stuck: set[str] = set()
        i = 0
        while i < len(states):
            if len(states) > max_states:
                complete = False
                break
            t, meters, flags, visited = states[i]
            tally.meters_seen[t] += meters.values() if meters else _NO_METERS
            tally.pending += 1
            if tally.pending > tally.fold_at:
                tally.fold_all()
            if self.ending[t]:
                i += 1
                continue
            any_offered = False
            for _, cond, site, effs, sets, branches, _ in self.choices[t]:
                if cond is not None:
                    if cond(meters, flags, visited):
                        true_n[site] += 1
                    else:
                        false_n[site] += 1
                        continue
                any_offered = True
                m2 = dict(meters)
                apply(m2, effs)
                f2 = flags | sets if sets else flags
                if not branches:
                    continue
                target = branches[-1][2]
                for bcond, bsite, goto in branches:
                    if bcond is None:
                        target = goto
                        break
                    if bcond(m2, f2, visited):
                        true_n[bsite] += 1
                        target = goto
                        break
                    false_n[bsite] += 1
                v2 = enter(target, m2, f2, visited)
                edges[i].append(intern((target, m2, f2, v2)))
            if not any_offered:
                stuck.add(ids[t])
            i += 1
        result = ExhaustiveResult(complete=complete, states=len(states), stuck=sorted(stuck))
        if not complete:
            return result
        order, loops = _postorder(edges)
        result.loop_scenes = sorted({ids[states[s][0]] for s in loops})
        if result.loop_scenes:
            return result
        # Exact shares, from the leaves up: distinct playthroughs (choice
        # sequences) to each ending, and the probability under uniform random play.
        paths: list[dict[str, int]] = [{} for _ in states]
        prob: list[dict[str, float]] = [{} for _ in states]
        for s in order:
            t = states[s][0]
            out = edges[s]
            if self.ending[t] or not out:
                key = ids[t] if self.ending[t] else STUCK
                paths[s] = {key: 1}
                prob[s] = {key: 1.0}
                continue
            p: dict[str, int] = {}
            q: dict[str, float] = {}
            share = 1.0 / len(out)
            for child in out:
                for e, n in paths[child].items():
                    p[e] = p.get(e, 0) + n
                for e, x in prob[child].items():
                    q[e] = q.get(e, 0.0) + x * share
            paths[s], prob[s] = p, q
        total = sum(paths[0].values())
        result.playthroughs = total
        result.endings = {
            e: (n, n / total, prob[0].get(e, 0.0)) for e, n in sorted(paths[0].items())
        }
        return result


def _postorder(edges: list[list[int]]) -> tuple[list[int], set[int]]:
    """Post-order of the state graph from state 0, and the states on some cycle."""
    n = len(edges)
    colour = [0] * n  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    on_cycle: set[int] = set()
    path: list[int] = []
    stack: list[tuple[int, int]] = [(0, 0)]
    colour[0] = 1
    path.append(0)
    while stack:
        s, k = stack[-1]
        if k < len(edges[s]):
            stack[-1] = (s, k + 1)
            c = edges[s][k]
            if colour[c] == 0:
                colour[c] = 1
                path.append(c)
                stack.append((c, 0))
            elif colour[c] == 1:
                on_cycle.update(path[path.index(c) :])
        else:
            stack.pop()
            path.pop()
            colour[s] = 2
            order.append(s)
    return order, on_cycle


@dataclass
class ExhaustiveResult:
    """What the exhaustive search found for one seat."""

    complete: bool
    """False when the state cap stopped the search: then nothing here is certain."""
    states: int
    stuck: list[str] = field(default_factory=list)
    """Scenes where some reachable state offers no choice at all."""
    loop_scenes: list[str] = field(default_factory=list)
    """Scenes on a cycle of states: play can go round them for ever."""
    playthroughs: int | None = None
    """Distinct playthroughs (choice sequences), when the state graph has no cycle."""
    endings: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    """Ending -> (playthroughs reaching it, their share, probability under random play)."""


# --------------------------------------------------------------------------- report


@dataclass
class EndingShare:
    """One ending of a seat and how often random play reached it."""

    scene: str
    title: str
    runs: int
    share: float
    mean_trust: float | None
    historical: bool
    best: bool = False


@dataclass
class StrategyResult:
    """Where one simple strategy leads a seat."""

    name: str
    status: str
    scene: str
    steps: int
    choices: list[str]
    best: bool


@dataclass
class SeatReport:
    """Everything the explorer found for one seat."""

    seat: str
    name: str
    runs: int
    decisions: int
    capped: dict[str, int]
    stuck: dict[str, int]
    endings: list[EndingShare]
    best_ending: str | None
    strategies: list[StrategyResult]
    exhaustive: ExhaustiveResult | None


@dataclass
class Report:
    """The explorer's whole report (see docs/authoring.md for the JSON keys)."""

    pack: Pack
    index: _Index
    tally: _Tally
    """Counts from random runs."""
    states_tally: _Tally | None
    """Counts over distinct reachable states, when the exhaustive search ran."""
    runs: int
    seed: int
    cap: int
    max_states: int | None
    seats: list[SeatReport]
    elapsed: float
    _scenes: list[dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def decisions(self) -> int:
        """Decisions taken in random runs, all seats together."""
        return sum(s.decisions for s in self.seats)

    @property
    def certain(self) -> bool:
        """True when exhaustive search finished for every seat explored."""
        return bool(self.seats) and all(
            s.exhaustive is not None and s.exhaustive.complete for s in self.seats
        )

    def _count(self, name: str, i: int) -> int:
        n: int = getattr(self.tally, name)[i]
        if self.states_tally is not None:
            n += getattr(self.states_tally, name)[i]
        return n

    def _visits(self, i: int) -> int:
        n = self.tally.visits(i)
        if self.states_tally is not None:
            n += self.states_tally.visits(i)
        return n

    def _in_scope(self, sid: str) -> bool:
        explored = {s.seat for s in self.seats}
        i = self.index.scene_of[sid]
        return self.pack.scenes[sid].role in explored or self._visits(i) > 0

    def meter_ranges(self, i: int) -> dict[str, list[float | int]]:
        """Each meter's [min, max] as the scene was shown, over every run and state."""
        found = [r for r in (self.tally.ranges(i),) if r is not None]
        if self.states_tally is not None:
            more = self.states_tally.ranges(i)
            if more is not None:
                found.append(more)
        if not found:
            return {}
        return {
            mid: [_num(min(r[k][0] for r in found)), _num(max(r[k][1] for r in found))]
            for k, mid in enumerate(self.pack.scenario.meters)
        }

    def _states(self, name: str, i: int) -> int | None:
        if self.states_tally is None:
            return None
        n: int = getattr(self.states_tally, name)[i]
        return n

    def scenes(self) -> list[dict[str, Any]]:
        """Per scene: visits, runs reaching it, exhaustive states, meter ranges."""
        # Meter ranges fold every meter value recorded: work them out once per report.
        if self._scenes is None:
            self._scenes = self._scene_rows()
        return self._scenes

    def _scene_rows(self) -> list[dict[str, Any]]:
        out = []
        for i, sid in enumerate(self.index.scene_ids):
            if not self._in_scope(sid):
                continue
            scene = self.pack.scenes[sid]
            file, line = self.pack.locations.get(sid, ("", 0))
            out.append(
                {
                    "id": sid,
                    "role": scene.role,
                    "file": file,
                    "line": line,
                    "ending": scene.is_ending,
                    "visits": self.tally.visits(i),
                    "runs": self.tally.reached[i],
                    "states": None if self.states_tally is None else self.states_tally.visits(i),
                    "meters": self.meter_ranges(i),
                }
            )
        return out

    def choices(self) -> list[dict[str, Any]]:
        """Per choice: how often offered and taken."""
        out = []
        for i, (sid, c) in enumerate(self.index.choices):
            if not self._in_scope(sid):
                continue
            out.append(
                {
                    "scene": sid,
                    "choice": c.id,
                    "historical": c.historical,
                    "offered": self.tally.offered(i),
                    "taken": self.tally.taken[i],
                    "offered_states": None
                    if self.states_tally is None
                    else self.states_tally.offered(i),
                }
            )
        return out

    def conditions(self) -> list[dict[str, Any]]:
        """Per condition: how often it was evaluated true and false, and a verdict."""
        out = []
        for i, site in enumerate(self.index.sites):
            if not self._in_scope(site.scene):
                continue
            t, f = self._count("true", i), self._count("false", i)
            verdict = (
                "unevaluated"
                if t + f == 0
                else "always"
                if f == 0
                else "never"
                if t == 0
                else "mixed"
            )
            out.append(
                {
                    "kind": site.kind,
                    "scene": site.scene,
                    "choice": site.choice,
                    "index": site.index,
                    "where": site.where,
                    "text": site.text,
                    "true": self.tally.true[i],
                    "false": self.tally.false[i],
                    "true_states": self._states("true", i),
                    "false_states": self._states("false", i),
                    "verdict": verdict,
                }
            )
        return out

    def findings(self) -> dict[str, Any]:
        """The problems worth a teacher's attention, as lists of places."""
        scenes = self.scenes()
        conds = self.conditions()
        capped: dict[str, int] = {}
        stuck: dict[str, int] = {}
        loops: set[str] = set()
        for s in self.seats:
            for k, v in s.capped.items():
                capped[k] = capped.get(k, 0) + v
            for k, v in s.stuck.items():
                stuck[k] = stuck.get(k, 0) + v
            if s.exhaustive is not None:
                loops.update(s.exhaustive.loop_scenes)
                for k in s.exhaustive.stuck:
                    stuck.setdefault(k, 0)
        return {
            "certain": self.certain,
            "scenes_never_reached": [
                s["id"] for s in scenes if s["visits"] == 0 and not s["states"]
            ],
            "choices_never_offered": [
                {"scene": c["scene"], "choice": c["choice"]}
                for c in self.choices()
                if c["offered"] == 0 and not c["offered_states"]
            ],
            "conditions_always_true": [c["where"] for c in conds if c["verdict"] == "always"],
            "conditions_never_true": [c["where"] for c in conds if c["verdict"] == "never"],
            "capped_runs": dict(sorted(capped.items())),
            "loop_scenes": sorted(loops),
            "stuck": dict(sorted(stuck.items())),
            "winning_strategies": [
                {"seat": s.seat, "strategy": st.name, "ending": st.scene}
                for s in self.seats
                for st in s.strategies
                if st.best
            ],
        }

    def as_json(self) -> dict[str, Any]:
        """The stable JSON form (keys documented in docs/authoring.md)."""
        return {
            "format": REPORT_FORMAT,
            "pack": {"id": self.pack.id, "version": self.pack.version},
            "settings": {
                "runs": self.runs,
                "seed": self.seed,
                "step_cap": self.cap,
                "exhaustive": self.max_states is not None,
                "max_states": self.max_states,
                "seats": [s.seat for s in self.seats],
            },
            "decisions": self.decisions,
            "seats": {s.seat: _seat_json(s) for s in self.seats},
            "scenes": self.scenes(),
            "choices": self.choices(),
            "conditions": self.conditions(),
            "findings": self.findings(),
        }


def _num(x: float) -> float | int:
    """Whole numbers as ints, so JSON and text read ``40`` rather than ``40.0``."""
    return int(x) if float(x).is_integer() else round(x, 4)


def _seat_json(s: SeatReport) -> dict[str, Any]:
    ex = s.exhaustive
    return {
        "name": s.name,
        "runs": s.runs,
        "decisions": s.decisions,
        "capped_runs": sum(s.capped.values()),
        "stuck_runs": sum(s.stuck.values()),
        "endings": [
            {
                "scene": e.scene,
                "title": e.title,
                "runs": e.runs,
                "share": round(e.share, 4),
                "mean_trust": None if e.mean_trust is None else round(e.mean_trust, 2),
                "historical": e.historical,
                "best": e.best,
            }
            for e in s.endings
        ],
        "best_ending": s.best_ending,
        "strategies": [
            {
                "name": st.name,
                "label": STRATEGY_LABELS[st.name],
                "status": st.status,
                "scene": st.scene,
                "decisions": st.steps,
                "choices": st.choices,
                "reaches_best": st.best,
            }
            for st in s.strategies
        ],
        "exhaustive": None
        if ex is None
        else {
            "complete": ex.complete,
            "states": ex.states,
            "loop_scenes": ex.loop_scenes,
            "stuck_scenes": ex.stuck,
            "playthroughs": ex.playthroughs,
            "endings": [
                {
                    "scene": e,
                    "playthroughs": n,
                    "share": round(share, 4),
                    "probability": round(p, 4),
                }
                for e, (n, share, p) in ex.endings.items()
            ],
        },
    }


# --------------------------------------------------------------------------- entry


def sample_runs(pack: Pack, seat: str, runs: int, seed: int = 0) -> list[RunResult]:
    """``runs`` random playthroughs of one seat, each with the choice ids it took.

    The same generator as :func:`explore` (seeded ``"{seed}:{seat}"``), so the
    runs are the ones ``explore`` counts; tests replay them through the engine.
    """
    index = _Index(pack)
    kernel = _Kernel(pack, seat, index)
    rng = random.Random(f"{seed}:{seat}")
    tally = _Tally.empty(index)
    return [kernel.run(tally, step_cap(pack), rng=rng, keep=True) for _ in range(runs)]


def explore(
    pack: Pack,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    seats: Sequence[str] | None = None,
    exhaustive: bool = False,
    max_states: int = MAX_STATES,
    progress: Progress | None = None,
) -> Report:
    """Explore ``pack``: ``runs`` seeded random playthroughs per seat, strategies,
    and (``exhaustive``) every reachable state up to ``max_states`` per seat.

    The same pack, runs, seed and seats always give the same report: each seat
    draws from its own generator seeded with ``"{seed}:{seat}"``.
    """
    if runs < 0:
        raise UsageError("--runs cannot be negative")
    if max_states < 1:
        raise UsageError("--max-states must be at least 1")
    started = time.perf_counter()
    index = _Index(pack)
    total = _Tally.empty(index)
    states_total = _Tally.empty(index) if exhaustive else None
    cap = step_cap(pack)
    chosen = list(seats) if seats else list(pack.scenario.roles)
    reports = []
    for seat in chosen:
        kernel = _Kernel(pack, seat, index)
        tally = _Tally.empty(index)
        rng = random.Random(f"{seed}:{seat}")
        ends: dict[str, list[float]] = {}
        capped: dict[str, int] = {}
        stuck: dict[str, int] = {}
        decisions = 0
        for n in range(runs):
            r = kernel.run(tally, cap, rng=rng)
            decisions += r.steps
            if r.status == ENDED:
                ends.setdefault(r.scene, []).append(kernel.trust_sum(r.meters))
            elif r.status == CAPPED:
                capped[r.scene] = capped.get(r.scene, 0) + 1
            else:
                stuck[r.scene] = stuck.get(r.scene, 0) + 1
            if progress is not None and n % 512 == 511:
                progress(seat, n + 1, runs)
        if progress is not None:
            progress(seat, runs, runs)
        endings = _endings(pack, ends, runs, bool(kernel.trust_ids))
        best = next((e.scene for e in endings if e.best), None)
        strategies = []
        for name in STRATEGIES:
            # Strategies are not random play: keep their visits out of the tallies.
            r = kernel.run(
                _Tally.empty(index), cap, strategy=kernel.strategy_picker(name), keep=True
            )
            strategies.append(
                StrategyResult(
                    name,
                    r.status,
                    r.scene,
                    r.steps,
                    r.choices,
                    r.status == ENDED and r.scene == best,
                )
            )
        ex = None
        if states_total is not None:
            states = _Tally.empty(index)
            ex = kernel.exhaustive(states, max_states)
            states_total.add(states)
        total.add(tally)
        reports.append(
            SeatReport(
                seat,
                pack.scenario.roles[seat].name,
                runs,
                decisions,
                capped,
                stuck,
                endings,
                best,
                strategies,
                ex,
            )
        )
    return Report(
        pack,
        index,
        total,
        states_total,
        runs,
        seed,
        cap,
        max_states if exhaustive else None,
        reports,
        time.perf_counter() - started,
    )


def _endings(
    pack: Pack, ends: dict[str, list[float]], runs: int, has_trust: bool
) -> list[EndingShare]:
    out = []
    order = {sid: i for i, sid in enumerate(pack.scenes)}
    for sid in sorted(ends, key=lambda s: (-len(ends[s]), order[s])):
        scene = pack.scenes[sid]
        ending = scene.ending
        trusts = ends[sid]
        out.append(
            EndingShare(
                sid,
                ending.title if ending else scene.title,
                len(trusts),
                len(trusts) / runs if runs else 0.0,
                sum(trusts) / len(trusts) if has_trust else None,
                bool(ending and ending.historical),
            )
        )
    # With a single ending there is nothing to win, so nothing is flagged.
    if has_trust and len(out) > 1:
        best = max(out, key=lambda e: (e.mean_trust or 0.0, -order[e.scene]))
        best.best = True
    return out


# --------------------------------------------------------------------------- text


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_text(report: Report) -> str:
    """The report as text for a teacher: summary per seat, findings, then detail."""
    pack = report.pack
    lines = [
        f"Exploring {pack.id} (version {pack.version}): {report.runs:,} random runs per seat, "
        f"seed {report.seed}, at most {report.cap:,} decisions a run."
    ]
    for s in report.seats:
        lines.append("")
        lines.append(f"== Seat {s.seat} ({s.name}) ==")
        lines.append(
            f"{s.runs:,} runs, {s.decisions:,} decisions; "
            f"{sum(s.capped.values()):,} hit the step cap, "
            f"{sum(s.stuck.values()):,} stuck with no choice on offer"
        )
        lines.append("Endings reached by random play:")
        if not s.endings:
            lines.append("  (none)")
        for e in s.endings:
            tags = [t for t, on in (("BEST", e.best), ("historical", e.historical)) if on]
            trust = "" if e.mean_trust is None else f", mean trust {_num(round(e.mean_trust, 1))}"
            tag = f" [{', '.join(tags)}]" if tags else ""
            lines.append(
                f"  {_pct(e.share):>6}  {e.scene} ({e.title}): {e.runs:,} runs{trust}{tag}"
            )
        lines.append("Strategies:")
        for st in s.strategies:
            where = {ENDED: "reaches", CAPPED: "loops at", STUCK: "gets stuck at"}[st.status]
            flag = "  << reaches the best ending" if st.best else ""
            lines.append(
                f"  {STRATEGY_LABELS[st.name]}: {where} {st.scene} after {st.steps} decisions{flag}"
            )
        ex = s.exhaustive
        if ex is not None:
            if not ex.complete:
                lines.append(
                    f"Exhaustive search: stopped after {ex.states:,} states "
                    f"(the cap is {report.max_states:,}); results below are from random runs."
                )
            elif ex.loop_scenes:
                lines.append(
                    f"Exhaustive search: {ex.states:,} states; play can loop for ever "
                    f"through {', '.join(ex.loop_scenes)}"
                )
            else:
                lines.append(
                    f"Exhaustive search: {ex.states:,} states, "
                    f"{ex.playthroughs:,} distinct playthroughs:"
                )
                for end, (n, share, p) in ex.endings.items():
                    lines.append(
                        f"  {end}: {n:,} playthroughs ({_pct(share)}); {_pct(p)} of random play"
                    )
    f = report.findings()
    lines.append("")
    basis = (
        "every reachable state was visited, so these are certain"
        if f["certain"]
        else f"from {report.runs:,} random runs per seat: rare paths may be missed"
    )
    lines.append(f"== Findings ({basis}) ==")

    def section(title: str, items: list[str]) -> None:
        lines.append(f"{title}: {'none' if not items else len(items)}")
        lines.extend(f"  {x}" for x in items)

    section("Scenes never reached", f["scenes_never_reached"])
    section(
        "Choices never offered",
        [f"{c['scene']}: {c['choice']}" for c in f["choices_never_offered"]],
    )
    section("Conditions always true", f["conditions_always_true"])
    section("Conditions never true", f["conditions_never_true"])
    section(
        "Runs that hit the step cap (loops), by scene",
        [f"{k}: {v:,} runs" for k, v in f["capped_runs"].items()],
    )
    section("Scenes where play can loop for ever", f["loop_scenes"])
    section(
        "Scenes with no choice on offer (stuck)",
        [f"{k}: {v:,} runs" if v else k for k, v in f["stuck"].items()],
    )
    section(
        "Strategies that reach the best ending",
        [
            f"{w['seat']}: {STRATEGY_LABELS[w['strategy']]} -> {w['ending']}"
            for w in f["winning_strategies"]
        ],
    )
    lines.append("")
    lines.append("== Scenes (visits, runs reaching it, meter range as shown) ==")
    by_scene: dict[str, list[dict[str, Any]]] = {}
    for c in report.choices():
        by_scene.setdefault(c["scene"], []).append(c)
    for sc in report.scenes():
        ranges = "  ".join(
            f"{m} {lo}" if lo == hi else f"{m} {lo}..{hi}" for m, (lo, hi) in sc["meters"].items()
        )
        kind = " [ending]" if sc["ending"] else ""
        lines.append(f"{sc['id']}{kind}: {sc['visits']:,} visits, {sc['runs']:,} runs")
        if ranges:
            lines.append(f"    {ranges}")
        for c in by_scene.get(sc["id"], []):
            hist = " (historical)" if c["historical"] else ""
            lines.append(
                f"    - {c['choice']}{hist}: offered {c['offered']:,}, taken {c['taken']:,}"
            )
    # Names and titles are the pack's text: shown, never obeyed by the terminal.
    return visible("\n".join(lines)) + "\n"
