"""Write pith rules as TOML text by hand, so imports can carry comments (where each rule came
from, what could not be converted), which tomli-w cannot write."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def value(v: Any) -> str:
    """A TOML value: strings as basic strings (JSON escapes are valid TOML), lists, inline tables."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d") if (v.hour, v.minute, v.second) == (0, 0, 0) else v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


@dataclass
class RuleText:
    """One [[rule]] to write, with comment lines above it."""

    comments: list[str] = field(default_factory=list)
    keys: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def render(self) -> str:
        out = [f"# {c}" for c in self.comments]
        out.append("[[rule]]")
        out.extend(f"{k} = {value(v)}" for k, v in self.keys.items())
        for kind, items in self.conditions.items():
            out.append(f"{kind} = [")
            out.extend(f"  {value(item)}," for item in items)
            out.append("]")
        return "\n".join(out) + "\n"


def document(title: str, rules: list[RuleText], skipped: list[str], extra: str = "") -> str:
    """The whole converted file: a header, what was skipped (as comments), then the rules."""
    out = [f"# {title}", "# Check it with `pith rules check FILE`, try it with `pith rules try FILE GROUP`.", ""]
    if skipped:
        out.append("# Not converted:")
        out.extend(f"#   {s}" for s in skipped)
        out.append("")
    if extra:
        out.append(extra)
    out.extend(rule.render() for rule in rules)
    return "\n".join(out)
