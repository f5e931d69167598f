"""A run's debrief as a file a student hands in: Markdown or one self-contained HTML page.

Everything a player typed (name, journal answers) and everything a teacher
wrote (scene text) is escaped: Markdown through :func:`md`, HTML by Jinja2's
autoescape.  The HTML needs no network: CSS and the SVG charts are inline,
and it prints on A4 without cut-off charts.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from jinja2 import Environment, select_autoescape

from summit_game.debrief import Point, build_debrief, meter_path
from summit_game.engine import GameState
from summit_game.pack import Pack
from summit_game.text import number, visible

#: ``=`` too: a line of ``===`` under text would turn it into a heading.
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~=")


def md(text: str) -> str:
    """Text escaped for Markdown: no markup, links, HTML or line tricks survive."""
    text = visible(text).replace("\r", "")
    # Indentation at the start of a line would make a code block; rendered
    # Markdown drops it anyway.
    text = "\n".join(line.lstrip(" \t") for line in text.split("\n"))
    out = []
    for ch in text:
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        elif ch == "\n":
            out.append("  \n")
        else:
            out.append(ch)
    return "".join(out)


def _who(pack: Pack, state: GameState) -> list[tuple[str, str]]:
    return [(pack.scenario.roles[s].name, state.names.get(s, "")) for s in state.seats]


def debrief_markdown(pack: Pack, state: GameState, saved_at: dt.datetime | None = None) -> str:
    """The debrief in Markdown that reads well on GitHub."""
    report = build_debrief(pack, state)
    path = meter_path(pack, state)
    lines = [f"# Debrief: {md(pack.scenario.title)}", ""]
    for seat_name, player in _who(pack, state):
        lines.append(
            f"- **Seat:** {md(seat_name)}" + (f" — **Player:** {md(player)}" if player else "")
        )
    if report.decisions:
        first, last = report.decisions[0].date, report.decisions[-1].date
        lines.append(f"- **Dates played:** {first.isoformat()} to {last.isoformat()}")
    if saved_at:
        lines.append(f"- **Saved:** {saved_at.isoformat()}")
    lines.append(f"- **Matched history:** {report.matched} of {len(report.decisions)} decisions")
    lines.append(f"- **Divergence from history at the end:** {number(report.divergence)}")
    lines.append("")
    for seat, (title, summary) in report.endings.items():
        lines += [
            f"## Ending ({md(pack.scenario.roles[seat].name)}): {md(title)}",
            "",
            md(summary.strip()),
            "",
        ]
    lines += ["## Decisions beside history", ""]
    for row in report.decisions:
        mark = "as history" if row.historical else "departed from history"
        lines.append(f"### {row.number}. {row.date.isoformat()} — {md(row.scene_title)}")
        lines.append("")
        lines.append(f"- **You chose:** {md(row.chosen)} ({mark})")
        if row.history_choice and not row.historical:
            lines.append(f"- **The real actor chose:** {md(row.history_choice)}")
        if row.history_summary:
            lines.append(f"- **What really happened:** {md(row.history_summary.strip())}")
        for src in _sources(pack, row.number, state):
            lines.append(f"  - Source: {src}")
        lines.append(f"- **Divergence after it:** {number(row.divergence)}")
        lines.append("")
    journal = [r for r in report.decisions if r.prompt]
    if journal:
        lines += ["## Journal", ""]
        for row in journal:
            assert row.prompt is not None
            lines.append(f"**{md(row.prompt.strip())}**")
            lines.append("")
            lines.append(md(row.journal) if row.journal else "_(no answer)_")
            lines.append("")
    lines += [
        "## Meters beside the record",
        "",
        "| date | " + " | ".join(md(m.label) for m in report.meters) + " | divergence |",
        "|---|" + "---|" * len(report.meters) + "---|",
    ]
    for p in path:
        cells = [f"{number(p.run[m.meter])} ({number(p.record[m.meter])})" for m in report.meters]
        lines.append(
            f"| {p.date.isoformat()} | " + " | ".join(cells) + f" | {number(p.divergence)} |"
        )
    lines += ["", "Each cell: your value (the historical record's value in brackets).", ""]
    return "\n".join(lines)


def _sources(pack: Pack, number_: int, state: GameState) -> list[str]:
    d = state.decisions[number_ - 1]
    scene = pack.scenes.get(d.scene)
    if scene is None or scene.history is None:
        return []
    out = []
    for sid in scene.history.sources:
        src = pack.scenario.sources.get(sid)
        if src is None:
            continue
        bits = [md(src.title)]
        if src.publisher:
            bits.append(md(src.publisher))
        if src.date:
            bits.append(md(str(src.date)))
        text = ", ".join(bits)
        if src.url and src.url.startswith(("http://", "https://")):
            text += f" — <{_url(src.url)}>"
        out.append(text)
    return out


def _url(url: str) -> str:
    """A URL safe inside a Markdown autolink ``<...>``: no spaces, brackets or controls."""
    return "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in ' <>"`\\' else quote(ch, safe="")
        for ch in url
    )


# ------------------------------------------------------------------ HTML

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Debrief: {{ title }}</title>
<style>
body { font: 15px/1.5 Georgia, 'Times New Roman', serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #111; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; line-height: 1.2; }
.meta dt { font-weight: bold; float: left; clear: left; width: 12rem; }
.meta dd { margin-left: 12rem; }
.decision { border-left: 4px solid #888; padding: .2rem 1rem; margin: 1rem 0;
            break-inside: avoid; }
.decision.hist { border-color: #2a7; } .decision.off { border-color: #c60; }
.tag { font: bold 12px Helvetica, Arial, sans-serif; padding: 1px 6px; border: 1px solid; }
.sources { font-size: 13px; color: #333; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
          gap: 1rem; }
figure { margin: 0; break-inside: avoid; } figcaption { font: 13px Helvetica, sans-serif; }
.answer { white-space: pre-wrap; background: #f4f4f4; padding: .5rem; }
@media print { body { margin: 0; max-width: none; } a { color: #000; } }
</style></head><body>
<h1>Debrief: {{ title }}</h1>
<dl class="meta">
{% for seat, player in who %}<dt>Seat</dt><dd>{{ seat }}{% if player %} (player: {{ player }}){%
  endif %}</dd>{% endfor %}
{% if first %}<dt>Dates played</dt><dd>{{ first }} to {{ last }}</dd>{% endif %}
{% if saved_at %}<dt>Saved</dt><dd>{{ saved_at }}</dd>{% endif %}
<dt>Matched history</dt><dd>{{ report.matched }} of {{ report.decisions|length }} decisions</dd>
<dt>Divergence at the end</dt><dd>{{ fmt(report.divergence) }}
  (0 = exactly the historical record; see the README for the definition)</dd>
</dl>
{% for seat, ending in endings %}<h2>Ending ({{ seat }}): {{ ending[0] }}</h2>
<p>{{ ending[1] }}</p>{% endfor %}
<h2>Decisions beside history</h2>
{% for row in report.decisions %}
<section class="decision {{ 'hist' if row.historical else 'off' }}">
<h3>{{ row.number }}. {{ row.date }} — {{ row.scene_title }}</h3>
<p><span class="tag">{{ 'AS HISTORY' if row.historical else 'DEPARTED' }}</span>
 You chose: <strong>{{ row.chosen }}</strong></p>
{% if row.history_choice and not row.historical %}<p>The real actor chose:
 <strong>{{ row.history_choice }}</strong></p>{% endif %}
{% if row.history_summary %}<p>{{ row.history_summary }}</p>{% endif %}
{% if sources[row.number] %}<ul class="sources">{% for s in sources[row.number] %}
<li>{{ s.title }}{% if s.publisher %}, {{ s.publisher }}{% endif %}{% if s.date %},
 {{ s.date }}{% endif %}{% if s.url %} — <a href="{{ s.url }}">{{ s.url }}</a>{% endif %}</li>
{% endfor %}</ul>{% endif %}
<p>Divergence after it: {{ fmt(row.divergence) }}</p>
</section>
{% endfor %}
{% if journal %}<h2>Journal</h2>{% for row in journal %}
<h3>{{ row.prompt }}</h3><p class="answer">{{ row.journal or '(no answer)' }}</p>
{% endfor %}{% endif %}
<h2>Meters beside the record</h2>
<p>Solid line: your run. Dashed line: the historical record.</p>
<div class="charts">{% for chart in charts %}<figure>{{ chart.svg }}
<figcaption>{{ chart.label }}: you {{ chart.end }}, history {{ chart.record }}</figcaption>
</figure>{% endfor %}</div>
</body></html>
"""


class _Chart:
    """One meter's path as an inline SVG (markup built from numbers only)."""

    def __init__(self, label: str, svg: str, end: str, record: str) -> None:
        self.label = label
        self.svg = svg
        self.end = end
        self.record = record


def _chart(pack: Pack, meter: str, path: list[Point]) -> _Chart:
    from markupsafe import Markup

    m = pack.scenario.meters[meter]
    lo, hi = float(m.min), float(m.max)
    w, h, pad = 240, 120, 6
    t0 = dt.date(path[0].date.year, 1, 1).toordinal()
    t1 = max(path[-1].date.toordinal(), t0 + 1)

    def xy(date: dt.date, v: float) -> str:
        x = pad + (w - 2 * pad) * (date.toordinal() - t0) / (t1 - t0)
        y = h - pad - (h - 2 * pad) * (v - lo) / ((hi - lo) or 1)
        return f"{x:.1f},{y:.1f}"

    run = " ".join(xy(p.date, p.run[meter]) for p in path)
    rec = " ".join(xy(p.date, p.record[meter]) for p in path)
    svg = (
        f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#fafafa" stroke="#ccc"/>'
        f'<polyline points="{rec}" fill="none" stroke="#777" stroke-width="2" '
        f'stroke-dasharray="5 4"/>'
        f'<polyline points="{run}" fill="none" stroke="#1a5fb4" stroke-width="2.5"/></svg>'
    )
    last = path[-1]
    return _Chart(m.label, Markup(svg), number(last.run[meter]), number(last.record[meter]))


def debrief_html(pack: Pack, state: GameState, saved_at: dt.datetime | None = None) -> str:
    """The debrief as one self-contained, printable HTML page."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    report = build_debrief(pack, state)
    path = meter_path(pack, state)
    sources = {}
    for row in report.decisions:
        d = state.decisions[row.number - 1]
        scene = pack.scenes.get(d.scene)
        ids = scene.history.sources if scene and scene.history else []
        srcs = [pack.scenario.sources[s] for s in ids if s in pack.scenario.sources]
        sources[row.number] = [
            {
                "title": visible(s.title),
                "publisher": visible(s.publisher or ""),
                "date": str(s.date or ""),
                "url": s.url if s.url and s.url.startswith(("http://", "https://")) else "",
            }
            for s in srcs
        ]
    return env.from_string(_TEMPLATE).render(
        title=visible(pack.scenario.title),
        who=[(visible(a), visible(b)) for a, b in _who(pack, state)],
        first=report.decisions[0].date if report.decisions else None,
        last=report.decisions[-1].date if report.decisions else None,
        saved_at=saved_at.isoformat() if saved_at else None,
        report=report,
        endings=[
            (visible(pack.scenario.roles[s].name), (visible(t), visible(x)))
            for s, (t, x) in report.endings.items()
        ],
        sources=sources,
        journal=[r for r in report.decisions if r.prompt],
        charts=[_chart(pack, mid, path) for mid in pack.scenario.meters],
        fmt=number,
    )
