"""Values kept in the cache as plain data (JSON), never as pickles: reading an entry back
builds lists, dicts, strings, numbers, dates and the portal's own dataclasses — it cannot run
code, whoever wrote the cache folder (CI restores it from a shared cache).

Every value that is not a JSON scalar is a JSON array whose first item names its type:
`["l", …]` list, `["t", …]` tuple, `["s", …]` set, `["f", …]` frozenset, `["d", k, v, …]` dict,
`["b", base64]` bytes, `["dt", iso, zone]` datetime, `["da", iso]` date, and
`["c", "module:Class", {field: value}]` a dataclass of the portal (a class defined in an already
imported `site_builder` module; it is made field by field, no constructor or other code runs).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


class NotPlainData(ValueError):
    """An entry that is not what `dumps` writes (damaged, or made by someone else)."""


def dumps(value) -> bytes:
    """The value as UTF-8 JSON."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def loads(data: bytes):
    """The value `dumps` wrote; NotPlainData for anything else."""
    try:
        return _decode(json.loads(data.decode("utf-8", "surrogatepass")))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as error:
        raise NotPlainData(str(error)) from error


def _encode(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    kind = type(value)
    if kind is list:
        return ["l", *map(_encode, value)]
    if kind is tuple:
        return ["t", *map(_encode, value)]
    if kind is dict:
        return ["d", *(_encode(part) for item in value.items() for part in item)]
    if kind in (set, frozenset):
        return ["s" if kind is set else "f", *sorted(map(_encode, value), key=repr)]
    if kind is bytes:
        return ["b", base64.b64encode(value).decode("ascii")]
    if kind is datetime:
        return ["dt", value.isoformat(), _zone(value.tzinfo)]
    if kind is date:
        return ["da", value.isoformat()]
    if dataclasses.is_dataclass(value) and kind.__module__.startswith("site_builder."):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return ["c", f"{kind.__module__}:{kind.__qualname__}", fields]
    raise TypeError(f"not plain data: {kind.__name__}")


def _zone(tzinfo):
    if tzinfo is None:
        return None
    if isinstance(tzinfo, ZoneInfo):
        return tzinfo.key
    offset = tzinfo.utcoffset(None)
    if tzinfo is timezone.utc or offset is None:
        return 0 if tzinfo is timezone.utc else None
    return offset.total_seconds()


def _decode(node):
    if not isinstance(node, list):
        if isinstance(node, dict):
            raise NotPlainData("a bare object")
        return node
    tag = node[0]
    if tag == "l":
        return [_decode(item) for item in node[1:]]
    if tag == "t":
        return tuple(_decode(item) for item in node[1:])
    if tag == "d":
        items = node[1:]
        return {_decode(items[i]): _decode(items[i + 1]) for i in range(0, len(items), 2)}
    if tag == "s":
        return {_decode(item) for item in node[1:]}
    if tag == "f":
        return frozenset(_decode(item) for item in node[1:])
    if tag == "b":
        return base64.b64decode(node[1], validate=True)
    if tag == "dt":
        return _datetime(node[1], node[2])
    if tag == "da":
        return date.fromisoformat(node[1])
    if tag == "c":
        return _dataclass(node[1], node[2])
    raise NotPlainData(f"unknown tag {tag!r}")


def _datetime(text: str, zone) -> datetime:
    moment = datetime.fromisoformat(text)
    if isinstance(zone, str):
        return moment.replace(tzinfo=ZoneInfo(zone))
    if zone == 0:
        return moment.replace(tzinfo=timezone.utc)
    if isinstance(zone, (int, float)):
        return moment.replace(tzinfo=timezone(timedelta(seconds=zone)))
    return moment


def _dataclass(name: str, fields: dict):
    """An instance of a portal dataclass, set field by field (no constructor runs)."""
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith("site_builder.") else None
    kind = module
    for part in qualname.split("."):
        kind = getattr(kind, part, None)
    if module is None or not isinstance(kind, type) or not dataclasses.is_dataclass(kind):
        raise NotPlainData(f"not a portal dataclass: {name}")
    if not isinstance(fields, dict) or set(fields) != {f.name for f in dataclasses.fields(kind)}:
        raise NotPlainData(f"fields of {name} differ")
    instance = object.__new__(kind)
    for field_name, value in fields.items():
        object.__setattr__(instance, field_name, _decode(value))
    return instance
