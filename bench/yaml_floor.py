"""The floor for `check`: plain ``yaml.load(..., Loader=yaml.CSafeLoader)`` over a pack's files.

    python bench/yaml_floor.py DIR

Reads every ``.yaml`` file under DIR (sorted, as the loader does) and parses it
with PyYAML's libyaml-backed safe loader, keeping nothing: no line numbers,
no validation, no checks.  The process is timed from outside, like `check`.
"""

from __future__ import annotations

import os
import sys

import yaml

files = 0
for folder, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            files += 1
print(files)
