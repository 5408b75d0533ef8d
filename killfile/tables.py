"""One parser per kind of table in score.toml; each returns a frozen record or reports why not.

A table with an error is dropped whole (a half-understood kill rule is worse
than none); warnings keep it. Every report carries the line of the key at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from killfile.conditions import ConditionError, parse_condition, suggest, to_datetime
from killfile.headers import normalize_address
from killfile.model import (AllOf, AnyOf, AuthorRule, AutoTags, Cap, Condition, DetectorConfig,
                            Expiry, Not, Origin, PluginSpec, Problem, Rule, Scope, Settings,
                            TagFilter, ThreadRule, Thresholds)
from killfile.scope import parse_group_list
from killfile.states import CAP_WINDOWS, AuthorAction, CapKeep, CapSpare, ThreadAction
from killfile.toml_lines import Locator, Table


@dataclass(slots=True)
class Context:
    path: str
    loc: Locator
    problems: list[Problem]
    base: Path

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))


@dataclass(slots=True)
class Where:
    """The place of one table element, to find its keys' lines."""

    loc: Locator
    table: Table | None
    fallback: int

    @property
    def line(self) -> int:
        return self.table.line if self.table else self.fallback

    def key(self, name: str) -> int:
        if self.table is None:
            return self.fallback
        found = self.loc.key(self.table.line + 1, self.loc.span_end(self.table), name)
        return found or self.table.line

    def item(self, name: str, index: int) -> int:
        """Line of item ``index`` of array ``name`` (inline array or [[table.name]] sub-tables)."""
        if self.table is None:
            return self.fallback
        subs = self.loc.children(self.table, name)
        if subs:
            return subs[index].line if index < len(subs) else subs[-1].line
        key_line = self.loc.key(self.table.line + 1, self.table.end, name)
        if key_line is None:
            return self.table.line
        starts = self.loc.items(key_line, self.loc.span_end(self.table))
        return starts[index] if index < len(starts) else key_line


def check_keys(ctx: Context, item: dict[str, Any], allowed: tuple[str, ...], where: Where, what: str) -> bool:
    ok = True
    for key in item:
        if key not in allowed:
            ctx.error(where.key(key), f'unknown key "{key}" in {what}{suggest(key, allowed)}')
            ok = False
    return ok


def _int(item: dict[str, Any], key: str, where: Where, default: int | None = None) -> int | None:
    value = item.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConditionError(f'"{key}" must be a whole number, not {value!r}', where.key(key))
    return value


def _bool(item: dict[str, Any], key: str, where: Where, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise ConditionError(f'"{key}" must be true or false', where.key(key))
    return value


def _str(item: dict[str, Any], key: str, where: Where, default: str = "") -> str:
    value = item.get(key, default)
    if not isinstance(value, str):
        raise ConditionError(f'"{key}" must be a string', where.key(key))
    return value.strip()


def scope_of(item: dict[str, Any], where: Where) -> Scope:
    value = item.get("groups", [])
    if isinstance(value, str):
        return Scope(parse_group_list(value))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConditionError('"groups" must be a list of wildmats like ["comp.*", "!comp.os.*"]', where.key("groups"))
    return Scope(tuple(p.strip() for p in value if p.strip()))


def _expires(item: dict[str, Any], where: Where) -> Any:
    return to_datetime(item["expires"], where.key("expires")) if "expires" in item else None


RULE_KEYS = ("name", "groups", "score", "set", "tags", "expires", "expire_after_days",
             "all", "any", "none", "match_all")


def parse_rule(ctx: Context, item: dict[str, Any], where: Where) -> Rule | None:
    if not check_keys(ctx, item, RULE_KEYS, where, "[[rule]]"):
        return None
    if "score" in item and "set" in item:
        raise ConditionError('a rule either adds ("score") or sets ("set") the score, not both', where.key("set"))
    tags = _tags(item, where)
    add, set_to = _int(item, "score", where, 0) or 0, _int(item, "set", where)
    if not add and set_to is None and not tags:
        raise ConditionError('rule does nothing: give it "score", "set" or "tags"', where.line)
    idle = item.get("expire_after_days")
    if idle is not None and (isinstance(idle, bool) or not isinstance(idle, (int, float)) or idle <= 0):
        raise ConditionError('"expire_after_days" must be a positive number of days', where.key("expire_after_days"))
    return Rule(
        name=_str(item, "name", where), origin=Origin(ctx.path, where.line), condition=_rule_condition(item, where),
        scope=scope_of(item, where), add=add, set_to=set_to, tags=tags,
        expiry=Expiry(_expires(item, where), float(idle) if idle else None),
    )


def _tags(item: dict[str, Any], where: Where) -> tuple[str, ...]:
    tags = item.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise ConditionError('"tags" must be a list of tag names', where.key("tags"))
    return tuple(dict.fromkeys(t.strip().lower() for t in tags))


def _rule_condition(item: dict[str, Any], where: Where) -> Condition:
    parts: list[Condition] = []
    for kind in ("all", "any", "none"):
        if kind not in item:
            continue
        items = item[kind] if isinstance(item[kind], list) else [item[kind]]
        parsed = [parse_condition(c, where.item(kind, i)) for i, c in enumerate(items)]
        if not parsed:
            continue
        parts.append(AllOf(tuple(parsed)) if kind == "all" else AnyOf(tuple(parsed)))
        if kind == "none":
            parts[-1] = Not(parts[-1])
    if not parts and not _bool(item, "match_all", where, False):
        raise ConditionError('rule has no conditions: add all/any/none (or match_all = true for every '
                             "article in its groups)", where.line)
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def parse_thresholds(ctx: Context, item: dict[str, Any], where: Where) -> Thresholds | None:
    keys = ("groups", "kill", "hide", "read", "high")
    if not check_keys(ctx, item, keys, where, "[[thresholds]]"):
        return None
    values = {k: _int(item, k, where) for k in keys[1:]}
    order = [v for v in (values["kill"], values["hide"], values["read"]) if v is not None]
    if order != sorted(order):
        ctx.warn(where.line, "thresholds should satisfy kill <= hide <= read")
    return Thresholds(Origin(ctx.path, where.line), scope_of(item, where), **values)


CAP_KEYS = ("name", "groups", "per", "max", "keep", "score", "exempt", "timezone", "authors", "spare")


_CAP_KEEPS: dict[str, CapKeep] = {"first": "first", "best": "best"}
_CAP_SPARES: dict[str, CapSpare] = {"starters": "starters", "none": "none"}


def parse_cap(ctx: Context, item: dict[str, Any], where: Where) -> Cap | None:
    if not check_keys(ctx, item, CAP_KEYS, where, "[[cap]]"):
        return None
    word = _str(item, "per", where)
    per = CAP_WINDOWS.get(word)
    if per is None:
        raise ConditionError(f'"per" must be day, week, month or thread, not {word!r}', where.key("per"))
    limit = _int(item, "max", where)
    if limit is None or limit < 0:
        raise ConditionError('a cap needs "max", a whole number >= 0', where.key("max"))
    word = _str(item, "keep", where, "first")
    keep = _CAP_KEEPS.get(word)
    if keep is None:
        raise ConditionError(f'"keep" must be "first" or "best", not {word!r}', where.key("keep"))
    exempt = item.get("exempt", [])
    if not isinstance(exempt, list) or not all(isinstance(e, str) for e in exempt):
        raise ConditionError('"exempt" must be a list of addresses', where.key("exempt"))
    authors = item.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(e, str) for e in authors):
        raise ConditionError('"authors" must be a list of addresses', where.key("authors"))
    tz = _str(item, "timezone", where, "UTC") or "UTC"
    import zoneinfo  # only a cap's rule needs it, not every launch (issue 17)

    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConditionError(f"unknown timezone {tz!r} (use an IANA name like Europe/Berlin)",
                             where.key("timezone")) from None
    word = _str(item, "spare", where, "")
    spare = _CAP_SPARES.get(word)
    if word and spare is None:
        raise ConditionError(f'"spare" must be "starters" or "none", not {word!r}', where.key("spare"))
    name = _str(item, "name", where) or f"{limit} per {per}"
    return Cap(name, Origin(ctx.path, where.line), per, limit, scope_of(item, where), keep,
               _int(item, "score", where), frozenset(normalize_address(e) for e in exempt), tz,
               frozenset(normalize_address(a) for a in authors), spare)


def parse_tag_filter(ctx: Context, item: dict[str, Any], where: Where) -> TagFilter | None:
    if not check_keys(ctx, item, ("name", "groups", "score", "hide", "only"), where, "[[tag]]"):
        return None
    name = _str(item, "name", where).lower()
    if not name:
        raise ConditionError('[[tag]] needs "name", the tag it is about', where.line)
    return TagFilter(name, Origin(ctx.path, where.line), scope_of(item, where), _int(item, "score", where, 0) or 0,
                     _bool(item, "hide", where, False), _bool(item, "only", where, False))


def parse_plugin(ctx: Context, item: dict[str, Any], where: Where) -> PluginSpec | None:
    if not check_keys(ctx, item, ("path", "groups"), where, "[[plugin]]"):
        return None
    raw = _str(item, "path", where)
    if not raw:
        raise ConditionError('[[plugin]] needs "path" (a .py file, relative to this file)', where.line)
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else ctx.base / path
    return PluginSpec(str(path), Origin(ctx.path, where.line), scope_of(item, where))


def parse_author(ctx: Context, item: dict[str, Any], where: Where) -> AuthorRule | None:
    if not check_keys(ctx, item, ("address", "action", "score", "groups", "expires"), where, "[[author]]"):
        return None
    address = normalize_address(_str(item, "address", where))
    word = _str(item, "action", where)
    if not address:
        raise ConditionError('[[author]] needs "address"', where.line)
    action = _AUTHOR_ACTIONS.get(word)
    if action is None:
        raise ConditionError(f'"action" must be "plonk" or "boost", not {word!r}', where.key("action"))
    if not action and "score" not in item:
        raise ConditionError('[[author]] needs "action" (plonk/boost) or "score"', where.line)
    delta = _int(item, "score", where)
    return AuthorRule(address, delta if delta is not None else 0, Origin(ctx.path, where.line),
                      scope_of(item, where), _expires(item, where), action)


_AUTHOR_ACTIONS: dict[str, AuthorAction] = {"": "", "plonk": "plonk", "boost": "boost"}
_THREAD_ACTIONS: dict[str, ThreadAction] = {"kill": "kill", "watch": "watch"}
"""The words a rule file may use, to the checked types the rules carry."""


def parse_thread(ctx: Context, item: dict[str, Any], where: Where) -> ThreadRule | None:
    if not check_keys(ctx, item, ("message_id", "action", "expires", "subthread"), where, "[[thread]]"):
        return None
    msgid = _str(item, "message_id", where)
    if not (msgid.startswith("<") and msgid.endswith(">")):
        raise ConditionError(f'"message_id" must look like <id@host>, not {msgid!r}', where.key("message_id"))
    word = _str(item, "action", where, "kill")
    action = _THREAD_ACTIONS.get(word)
    if action is None:
        raise ConditionError(f'"action" must be "kill" or "watch", not {word!r}', where.key("action"))
    return ThreadRule(msgid, action, Origin(ctx.path, where.line), _expires(item, where),
                      _bool(item, "subthread", where, False))


def parse_detectors(ctx: Context, data: Any) -> DetectorConfig:
    where = Where(ctx.loc, ctx.loc.table("detectors"), 1)
    if not isinstance(data, dict):
        ctx.error(where.line, "[detectors] must be a table")
        return DetectorConfig()
    values: dict[str, Any] = {}
    spec = {"pingpong": {"enabled": "pingpong", "replies": "pingpong_replies"},
            "dominated": {"enabled": "dominated", "percent": "dominated_percent", "min_articles": "dominated_min"}}
    for name, sub in data.items():
        sub_where = Where(ctx.loc, ctx.loc.table(f"detectors.{name}"), where.line)
        if name not in spec or not isinstance(sub, dict):
            ctx.error(sub_where.line, f'unknown detector "{name}"{suggest(name, list(spec))} (pingpong, dominated)')
            continue
        for key, value in sub.items():
            field = spec[name].get(key)
            if field is None:
                ctx.error(sub_where.key(key),
                          f'unknown key "{key}" in detectors.{name}{suggest(key, list(spec[name]))}')
            elif key == "enabled" and not isinstance(value, bool) or key != "enabled" and (
                    isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                ctx.error(sub_where.key(key), f'detectors.{name}.{key}: bad value {value!r}')
            else:
                values[field] = value
    return DetectorConfig(**values)


def parse_autotags(ctx: Context, data: Any) -> AutoTags:
    return AutoTags(**_flags(ctx, data, "autotags", ("subject_prefixes", "keywords", "spoilers")))


def parse_settings(ctx: Context, data: Any) -> Settings:
    keys = ("thread_kill_score", "thread_watch_score", "plonk_score", "boost_score")
    where = Where(ctx.loc, ctx.loc.table("settings"), 1)
    if not isinstance(data, dict):
        ctx.error(where.line, "[settings] must be a table")
        return Settings()
    values = {}
    for key, value in data.items():
        if key not in keys:
            ctx.error(where.key(key), f'unknown setting "{key}"{suggest(key, keys)}')
        elif isinstance(value, bool) or not isinstance(value, int):
            ctx.error(where.key(key), f'"{key}" must be a whole number')
        else:
            values[key] = value
    return Settings(**values)


def _flags(ctx: Context, data: Any, name: str, keys: tuple[str, ...]) -> dict[str, bool]:
    where = Where(ctx.loc, ctx.loc.table(name), 1)
    if not isinstance(data, dict):
        ctx.error(where.line, f"[{name}] must be a table")
        return {}
    out = {}
    for key, value in data.items():
        if key not in keys:
            ctx.error(where.key(key), f'unknown key "{key}" in [{name}]{suggest(key, keys)}')
        elif not isinstance(value, bool):
            ctx.error(where.key(key), f'"{key}" must be true or false')
        else:
            out[key] = value
    return out
