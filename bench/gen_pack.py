"""Generate a large, valid pack for the `check` benchmark (deterministic).

    python bench/gen_pack.py DEST [--scenes 10000] [--files 1000] [--seed 0]

The pack has three seats, six meters, a bibliography, a historical record and
``--scenes`` scenes spread evenly over ``--files`` files under ``scenes/``
(10 scenes a file by default).  Scenes look like the shipped ones: a few
paragraphs of text, a place, a history block with sources, entry events, three
choices with effects, feedback and flags, and a conditional ``next`` list on
every fifth scene.  Each seat's scenes form a chain with forward jumps and end
in endings, so the pack passes ``summit-game check`` with no diagnostics.
The same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

ROLES = ("us", "dprk", "rok")
METERS = ("trust_us_dprk", "trust_us_rok", "trust_dprk_rok", "sanctions", "posture", "arsenal")
START, END = dt.date(2017, 1, 20), dt.date(2025, 12, 31)
N_SOURCES = 200
ENDINGS_PER_ROLE = 3
_VOCABULARY = (
    "talks summit envoy sanctions missile test launch trust alliance drills pressure "
    "freeze verification inspectors declaration treaty armistice border capital "
    "negotiator delegation statement communique deadline concession guarantee reactor "
    "enrichment warhead satellite sea coast island ambassador minister council vote "
    "embargo shipment fuel food aid family reunions railway factory zone liaison "
    "office hotline signal channel message letter leader president chairman congress"
)
WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _para(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def _block(text: str, indent: int) -> str:
    """A folded block scalar (``>-``), wrapped at about 76 columns."""
    pad = " " * indent
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > 76:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ">-\n" + "\n".join(pad + x for x in lines)


def _effects(rng: random.Random) -> str:
    chosen = rng.sample(METERS, rng.randint(1, 3))
    return "{" + ", ".join(f"{m}: {rng.randint(-8, 8)}" for m in chosen) + "}"


def _sources(rng: random.Random) -> str:
    return "[" + ", ".join(f"src-{rng.randrange(N_SOURCES):03d}" for _ in range(2)) + "]"


def scenario_yaml(rng: random.Random) -> str:
    out = [
        "format: 1",
        "id: bench-generated",
        'title: "Generated benchmark pack"',
        f"summary: {_block(_para(rng, 3), 2)}",
        'version: "1"',
        f"start: {START}",
        f"end: {END}",
        "roles:",
    ]
    for r in ROLES:
        out += [
            f"  {r}:",
            f"    name: {r.upper()} negotiator",
            f"    brief: {_block(_para(rng, 4), 6)}",
            f"    start: {r}-0000",
            "    goals:",
            f"      - {_sentence(rng, 8)}",
        ]
    out.append("meters:")
    for m in METERS:
        out += [f"  {m}:", f"    label: {m.replace('_', ' ').title()}", "    start: 50"]
    out.append("record:")
    for year in range(2017, 2026):
        values = ", ".join(f"{m}: {rng.randint(10, 90)}" for m in METERS)
        out += [
            f"  - date: {max(START, dt.date(year, 1, 20))}",
            f"    values: {{{values}}}",
            f"    note: {_sentence(rng, 12)}",
            f"    sources: {_sources(rng)}",
        ]
    out.append("sources:")
    for i in range(N_SOURCES):
        out += [
            f"  src-{i:03d}:",
            f"    title: {_sentence(rng, 6)}",
            "    publisher: Generated Press",
            f"    date: {START + dt.timedelta(days=i * 13)}",
        ]
    return "\n".join(out) + "\n"


def scene_yaml(rng: random.Random, role: str, i: int, n: int) -> str:
    """Scene ``i`` of ``n`` for ``role``; the last few are endings."""
    sid = f"{role}-{i:04d}"
    date = START + dt.timedelta(days=(END - START).days * i // n)
    out = [
        f"  - id: {sid}",
        f"    role: {role}",
        f"    date: {date}",
        f"    place: {_sentence(rng, 2)[:-1]}",
        f"    title: {_sentence(rng, 4)[:-1]}",
        f"    text: {_block(_para(rng, 6), 6)}",
    ]
    last_playable = n - ENDINGS_PER_ROLE - 1
    if i > last_playable:
        out += [
            "    ending:",
            f"      title: {_sentence(rng, 3)[:-1]}",
            f"      summary: {_block(_para(rng, 3), 8)}",
        ]
        return "\n".join(out)
    out += [
        "    history:",
        f"      summary: {_block(_para(rng, 3), 8)}",
        f"      sources: {_sources(rng)}",
        f"    prompt: {_sentence(rng, 9)[:-1]}?",
        "    events:",
        f"      - text: {_sentence(rng, 12)}",
        f"        by: {rng.choice(ROLES)}",
        f"        effects: {_effects(rng)}",
        f"        sources: {_sources(rng)}",
        "    choices:",
    ]
    for k in range(3):
        # Mostly the next scene, sometimes a jump ahead; the last playable
        # scene leads to each ending, so every ending is reachable.
        step = k + 1 if i == last_playable else 1 if k == 0 else rng.randint(1, 3)
        target = min(i + step, n - 1)
        out += [
            f"      - id: choice-{k}",
            f"        text: {_sentence(rng, 10)}",
            f"        effects: {_effects(rng)}",
            f"        feedback: {_block(_para(rng, 2), 10)}",
        ]
        if k == 0:
            out.append("        historical: true")
        if k == 1:
            out.append(f"        set: [flag-{role}-{i % 50}]")
        if k == 2 and i % 5 == 0 and target + 1 < n:
            flag = f"flag-{role}-{max(0, i - 1) % 50}"  # set by the scene before
            out += [
                "        next:",
                f'          - if: "{rng.choice(METERS)} >= 50 and not {flag}"',
                f"            goto: {role}-{target + 1:04d}",
                f"          - goto: {role}-{target:04d}",
            ]
        else:
            out.append(f"        next: {role}-{target:04d}")
    return "\n".join(out)


def generate(dest: Path, scenes: int = 10_000, files: int = 1_000, seed: int = 0) -> Path:
    """Write the pack into ``dest`` (created; existing files are overwritten)."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "scenario.yaml").write_text(scenario_yaml(rng), encoding="utf-8")
    per_role = [scenes // len(ROLES) + (r < scenes % len(ROLES)) for r in range(len(ROLES))]
    files_left, scenes_left = files, scenes
    for r, role in enumerate(ROLES):
        folder = dest / "scenes" / role
        folder.mkdir(parents=True, exist_ok=True)
        n = per_role[r]
        # This seat's share of the files, then its scenes cut as evenly as they go.
        nfiles = max(1, min(n, round(files_left * n / scenes_left)))
        files_left, scenes_left = files_left - nfiles, scenes_left - n
        for f in range(nfiles):
            lo, hi = n * f // nfiles, n * (f + 1) // nfiles
            body = [scene_yaml(rng, role, i, n) for i in range(lo, hi)]
            text = "scenes:\n" + "\n\n".join(body) + "\n"
            (folder / f"{f:04d}.yaml").write_text(text, encoding="utf-8")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--scenes", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    generate(args.dest, args.scenes, args.files, args.seed)
    print(args.dest)


if __name__ == "__main__":
    main()
