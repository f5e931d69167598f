"""The class view of many runs: reach and choice shares per scene, history matched,
endings, divergence, and every journal answer per prompt.

Files that cannot be used (unreadable, another pack's, a duplicate of one
already counted) are listed with their reason and skipped; the report is
built from the rest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, select_autoescape

from summit_game import engine
from summit_game.engine import GameState
from summit_game.errors import SaveError
from summit_game.export import md
from summit_game.pack import Pack
from summit_game.saves import load_save
from summit_game.text import number, visible


@dataclass
class Run:
    """One student's run, as the report uses it."""

    file: str
    name: str
    state: GameState


@dataclass
class ChoiceShare:
    """How many runs took one choice of a scene."""

    id: str
    text: str
    historical: bool
    count: int


@dataclass
class SceneRow:
    """One scene: how many runs reached it and what they chose."""

    id: str
    seat: str
    date: str
    title: str
    reached: int
    choices: list[ChoiceShare]


@dataclass
class ClassReport:
    """Everything the report shows."""

    runs: list[Run]
    skipped: list[tuple[str, str]]
    scenes: list[SceneRow]
    matched: dict[str, tuple[int, int]]
    """Seat -> (decisions matching history, decisions)."""
    endings: dict[str, Counter[str]]
    divergence: list[float]
    """Each run's divergence from history at its current date."""
    journal: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Prompt -> [(student, answer)]."""


def collect(pack: Pack, paths: list[Path]) -> tuple[list[Run], list[tuple[str, str]]]:
    """Load every save that belongs to ``pack``; the others with their reasons."""
    runs: list[Run] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path in paths:
        if _links_out(path):
            skipped.append((visible(str(path)), "a link that leads outside its folder; not read"))
            continue
        try:
            state = load_save(path, pack)
        except SaveError as exc:
            # File names come from students: shown, never obeyed as escape sequences.
            skipped.append((visible(str(path)), visible(exc.message.removeprefix(f"{path}: "))))
            continue
        key = hashlib.sha256(
            repr((state.seats, sorted(state.names.items()), state.decisions)).encode()
        ).hexdigest()
        if key in seen:
            skipped.append((visible(str(path)), f"the same run as {visible(seen[key])}"))
            continue
        seen[key] = str(path)
        names = [n for n in state.names.values() if n]
        runs.append(Run(str(path), visible(", ".join(names) or path.stem), state))
    return runs, skipped


def _links_out(path: Path) -> bool:
    """True for a link that leads out of its own folder (handed in with the saves, say)."""
    if not path.is_symlink():
        return False
    try:
        path.resolve(strict=True).relative_to(path.parent.resolve(strict=True))
    except (OSError, RuntimeError, ValueError):
        return True
    return False


def build_report(pack: Pack, runs: list[Run], skipped: list[tuple[str, str]]) -> ClassReport:
    """Aggregate the runs."""
    reached: Counter[str] = Counter()
    picked: Counter[tuple[str, str]] = Counter()
    matched: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    endings: dict[str, Counter[str]] = defaultdict(Counter)
    journal: dict[str, list[tuple[str, str]]] = defaultdict(list)
    divergence = []
    for run in runs:
        st = run.state
        for sid in st.visited:
            reached[sid] += 1
        for d in st.decisions:
            picked[(d.scene, d.choice)] += 1
            matched[d.seat][0] += d.historical
            matched[d.seat][1] += 1
            prompt = pack.scenes[d.scene].prompt if d.scene in pack.scenes else None
            if prompt:
                journal[visible(prompt.strip())].append((run.name, visible(d.journal or "")))
        for seat in st.seats:
            scene = pack.scenes[st.positions[seat]]
            if scene.ending is not None:
                endings[seat][visible(scene.ending.title)] += 1
            else:
                endings[seat]["(not finished)"] += 1
        divergence.append(engine.divergence(pack, st))
    rows = []
    for sid, scene in sorted(pack.scenes.items(), key=lambda kv: (kv[1].role, kv[1].date)):
        if not reached[sid] or scene.is_ending:
            continue
        rows.append(
            SceneRow(
                sid,
                scene.role,
                scene.date.isoformat(),
                visible(scene.title),
                reached[sid],
                [
                    ChoiceShare(c.id, visible(c.text), c.historical, picked[(sid, c.id)])
                    for c in scene.choices
                ],
            )
        )
    return ClassReport(
        runs,
        skipped,
        rows,
        {k: (v[0], v[1]) for k, v in matched.items()},
        dict(endings),
        divergence,
        dict(journal),
    )


def _pct(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else "–"


def _spread(values: list[float]) -> str:
    if not values:
        return "no runs"
    return (
        f"median {number(round(statistics.median(values), 1))}, "
        f"min {number(min(values))}, max {number(max(values))}"
    )


def report_markdown(pack: Pack, rep: ClassReport) -> str:
    """The class report in Markdown."""
    lines = [
        f"# Class report: {md(pack.scenario.title)}",
        "",
        f"{len(rep.runs)} runs read; {len(rep.skipped)} files skipped.",
        "",
    ]
    if rep.skipped:
        lines += ["## Files skipped", ""]
        lines += [f"- {md(f)}: {md(why)}" for f, why in rep.skipped]
        lines.append("")
    lines += ["## Matched history, per seat", ""]
    for seat, (hit, total) in sorted(rep.matched.items()):
        lines.append(
            f"- {md(pack.scenario.roles[seat].name)}: {hit} of {total} decisions "
            f"({_pct(hit, total)})"
        )
    lines += [
        "",
        f"**Divergence from history:** {_spread(rep.divergence)}",
        "",
        "## Endings, per seat",
        "",
    ]
    for seat, counts in sorted(rep.endings.items()):
        total = sum(counts.values())
        parts = ", ".join(f"{md(t)} {n} ({_pct(n, total)})" for t, n in counts.most_common())
        lines.append(f"- {md(pack.scenario.roles[seat].name)}: {parts}")
    lines += ["", "## Choices, scene by scene", "", "The historical choice is marked ★.", ""]
    for row in rep.scenes:
        total = sum(c.count for c in row.choices)
        lines.append(f"### {row.date} {md(row.title)} ({md(row.seat)}, reached by {row.reached})")
        lines.append("")
        for c in row.choices:
            star = " ★" if c.historical else ""
            lines.append(f"- {md(c.text)}{star}: {c.count} ({_pct(c.count, total)})")
        lines.append("")
    if rep.journal:
        lines += ["## Journal answers", ""]
        for prompt, answers in rep.journal.items():
            lines += [f"### {md(prompt)}", ""]
            lines += [f"- **{md(who)}:** {md(text) or '_(no answer)_'}" for who, text in answers]
            lines.append("")
    return "\n".join(lines)


def report_csv(pack: Pack, rep: ClassReport) -> str:
    """One row per decision, for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "file",
            "student",
            "seat",
            "number",
            "date",
            "scene",
            "scene_title",
            "choice",
            "choice_text",
            "historical",
            "historical_choice",
            "divergence",
            "journal",
        ]
    )
    for run in rep.runs:
        for i, d in enumerate(run.state.decisions, 1):
            scene = pack.scenes.get(d.scene)
            choice = scene.choice(d.choice) if scene else None
            w.writerow(
                [
                    _cell(run.file),
                    _cell(run.name),
                    d.seat,
                    i,
                    d.date.isoformat(),
                    d.scene,
                    _cell(scene.title if scene else ""),
                    d.choice,
                    _cell(choice.text if choice else ""),
                    "yes" if d.historical else "no",
                    d.historical_choice or "",
                    number(d.divergence),
                    _cell(d.journal or ""),
                ]
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """Spreadsheet-safe text: no formulas (=, +, -, @ first) and no control characters."""
    text = visible(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class report: {{ title }}</title>
<style>
body { font: 15px/1.5 Georgia, serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
td, th { border: 1px solid #bbb; padding: 2px 8px; text-align: left; }
.bar { display: inline-block; height: .8em; background: #1a5fb4; }
.hist { font-weight: bold; } section { break-inside: avoid; }
</style></head><body>
<h1>Class report: {{ title }}</h1>
<p>{{ rep.runs|length }} runs read; {{ rep.skipped|length }} files skipped.</p>
{% if rep.skipped %}<h2>Files skipped</h2><ul>{% for f, why in rep.skipped %}
<li><code>{{ f }}</code>: {{ why }}</li>{% endfor %}</ul>{% endif %}
<h2>Matched history, per seat</h2><ul>{% for seat, hit, total, pct in matched %}
<li>{{ seat }}: {{ hit }} of {{ total }} decisions ({{ pct }})</li>{% endfor %}</ul>
<p><strong>Divergence from history:</strong> {{ spread }}</p>
<h2>Endings, per seat</h2>{% for seat, items in endings %}<h3>{{ seat }}</h3><table>
{% for t, n, pct in items %}<tr><td>{{ t }}</td><td>{{ n }}</td><td>{{ pct }}</td></tr>{% endfor %}
</table>{% endfor %}
<h2>Choices, scene by scene</h2><p>The historical choice is in bold and marked ★.</p>
{% for row in scenes %}<section><h3>{{ row.date }} {{ row.title }} ({{ row.seat }},
 reached by {{ row.reached }})</h3><table>{% for c, pct, width in row.shares %}
<tr class="{{ 'hist' if c.historical else '' }}"><td>{{ c.text }}{{ ' ★' if c.historical }}</td>
<td>{{ c.count }}</td><td>{{ pct }}</td><td><span class="bar" style="width: {{ width }}px">
</span></td></tr>{% endfor %}</table></section>{% endfor %}
{% if journal %}<h2>Journal answers</h2>{% for prompt, answers in journal %}<h3>{{ prompt }}</h3>
<ul>{% for who, text in answers %}<li><strong>{{ who }}:</strong> {{ text or '(no answer)' }}</li>
{% endfor %}</ul>{% endfor %}{% endif %}
</body></html>
"""


def report_html(pack: Pack, rep: ClassReport) -> str:
    """The class report as one self-contained HTML page."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    scenes = []
    for row in rep.scenes:
        total = sum(c.count for c in row.choices)
        items = [
            (c, _pct(c.count, total), int(200 * c.count / total) if total else 0)
            for c in row.choices
        ]
        scenes.append(
            {
                "date": row.date,
                "title": row.title,
                "seat": row.seat,
                "reached": row.reached,
                "shares": items,
            }
        )
    return env.from_string(_HTML).render(
        title=visible(pack.scenario.title),
        rep=rep,
        matched=[
            (visible(pack.scenario.roles[s].name), h, t, _pct(h, t))
            for s, (h, t) in sorted(rep.matched.items())
        ],
        spread=_spread(rep.divergence),
        endings=[
            (
                visible(pack.scenario.roles[s].name),
                [(t, n, _pct(n, sum(c.values()))) for t, n in c.most_common()],
            )
            for s, c in sorted(rep.endings.items())
        ],
        scenes=scenes,
        journal=list(rep.journal.items()),
    )
