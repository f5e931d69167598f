"""The scene graph as text: Mermaid (renders on GitHub) or Graphviz DOT.

Seats are clusters; endings, counterfactual scenes, unreachable scenes and
dead ends are marked both by shape and by a word in the label, so the
marking survives black-and-white printing.  Labels are escaped: scene titles
are teachers' text and must not break the output's syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from summit_game.pack import Pack
from summit_game.text import visible


@dataclass(frozen=True)
class SceneMarks:
    """What the graph marks on a scene."""

    ending: bool
    counterfactual: bool
    unreachable: bool
    dead_end: bool


def marks(pack: Pack) -> dict[str, SceneMarks]:
    """Compute the marks for every scene (conditions ignored: any branch counts)."""
    edges = {sid: [t for c in s.choices for _, t in c.next] for sid, s in pack.scenes.items()}
    reach: set[str] = set()
    stack = [r.start for r in pack.scenario.roles.values()]
    while stack:
        s = stack.pop()
        if s in reach or s not in pack.scenes:
            continue
        reach.add(s)
        stack.extend(edges[s])
    return {
        sid: SceneMarks(
            ending=s.is_ending,
            counterfactual=s.counterfactual,
            unreachable=sid not in reach,
            dead_end=not s.is_ending and not edges[sid],
        )
        for sid, s in pack.scenes.items()
    }


def _label(pack: Pack, sid: str, m: SceneMarks) -> str:
    scene = pack.scenes[sid]
    tags = [
        t
        for t, on in (
            ("ENDING", m.ending),
            ("alt", m.counterfactual),
            ("UNREACHABLE", m.unreachable),
            ("DEAD END", m.dead_end),
        )
        if on
    ]
    title = " ".join(scene.title.split())
    if len(title) > 48:
        title = title[:47] + "…"
    tag = f" [{', '.join(tags)}]" if tags else ""
    return f"{scene.date.isoformat()} {title}{tag}"


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for quotes and HTML)."""
    return "".join(
        f"#{ord(c)};" if c in '"<>&#`' else " " if ord(c) < 32 else c for c in visible(text)
    )


def _node_id(sid: str) -> str:
    return "n_" + sid.replace("-", "_")


def to_mermaid(pack: Pack) -> str:
    """The graph in Mermaid flowchart syntax."""
    mk = marks(pack)
    lines = ["flowchart TD"]
    for rid, role in pack.scenario.roles.items():
        lines.append(f'  subgraph seat_{rid.replace("-", "_")}["{_mermaid_text(role.name)}"]')
        for sid, scene in pack.scenes.items():
            if scene.role != rid:
                continue
            m = mk[sid]
            label = _mermaid_text(_label(pack, sid, m))
            shape = (
                f'(["{label}"])'
                if m.ending
                else f'{{{{"{label}"}}}}'
                if m.dead_end
                else f'["{label}"]'
            )
            lines.append(f"    {_node_id(sid)}{shape}")
        lines.append("  end")
    for sid, scene in pack.scenes.items():
        for c in scene.choices:
            for _, target in c.next:
                lines.append(f'  {_node_id(sid)} -->|"{_mermaid_text(c.id)}"| {_node_id(target)}')
    classes = {
        "ending": "fill:#dfd,stroke:#060",
        "alt": "stroke-dasharray: 5 5",
        "unreachable": "fill:#fdd,stroke:#a00",
        "deadend": "fill:#fee,stroke:#a00",
    }
    for name, style in classes.items():
        lines.append(f"  classDef {name} {style}")
    for sid in pack.scenes:
        m = mk[sid]
        for name, on in (
            ("ending", m.ending),
            ("alt", m.counterfactual),
            ("unreachable", m.unreachable),
            ("deadend", m.dead_end),
        ):
            if on:
                lines.append(f"  class {_node_id(sid)} {name}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    """Text safe inside a quoted DOT string (control characters made visible first)."""
    return "".join("\\" + c if c in '"\\' else " " if ord(c) < 32 else c for c in visible(text))


def to_dot(pack: Pack) -> str:
    """The graph in Graphviz DOT syntax."""
    mk = marks(pack)
    lines = ["digraph summit {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    for rid, role in pack.scenario.roles.items():
        lines.append(f'  subgraph "cluster_{_dot_text(rid)}" {{')
        lines.append(f'    label="{_dot_text(role.name)}";')
        for sid, scene in pack.scenes.items():
            if scene.role != rid:
                continue
            m = mk[sid]
            attrs = [f'label="{_dot_text(_label(pack, sid, m))}"']
            if m.ending:
                attrs.append("shape=doubleoctagon")
            if m.counterfactual:
                attrs.append("style=dashed")
            if m.unreachable or m.dead_end:
                attrs.append('color="red"')
            lines.append(f'    "{_dot_text(sid)}" [{", ".join(attrs)}];')
        lines.append("  }")
    for sid, scene in pack.scenes.items():
        for c in scene.choices:
            for _, target in c.next:
                lines.append(
                    f'  "{_dot_text(sid)}" -> "{_dot_text(target)}" [label="{_dot_text(c.id)}"];'
                )
    lines.append("}")
    return "\n".join(lines) + "\n"
