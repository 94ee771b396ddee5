"""The dictionary of column names (列名词典): which header means which column, per roster kind.

Seeded from ``columns.toml`` (data, not code); administrators add names in the platform
(``core.ColumnName``), which ``lianxin.core.spreadsheet.names.current_dictionary`` merges in.
Pure Python: the command line (``lianxin monitor``) uses the seed without a database.

A header is compared after ``normalise_header``: NFKC (full-width → ASCII), no spaces,
required markers (``*`` ``※``) and item codes (``D3.`` ``1、`` ``(一)``) stripped; a name
is tried with its brackets, then without the bracketed part (``身份证号码(18位)`` → 身份证号码).
Columns are also recognised by their values (``recognise_values``): an 18-character column that
passes GB 11643 is an ID number whatever its header says.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SEED = Path(__file__).with_name("columns.toml")

_ITEM_CODE = re.compile(
    r"^(?:[A-Za-z]{1,2}\d{0,3}[.．、:：)]|\d{1,3}[.．、:：)](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)"
)
_MARKERS = re.compile(r"[*＊※★☆△▲#＃]")
_BRACKETED = re.compile(r"[(\[【（][^()\[\]【】（）]*[)\]】）]")
_SPACES = re.compile(r"[\s\u3000\u200b\ufeff]+")


def normalise_header(value: Any) -> str:
    """The comparable form of a header cell (see the module docstring); '' for empty."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACES.sub("", text)
    text = _MARKERS.sub("", text)
    text = _ITEM_CODE.sub("", text)
    text = text.rstrip(":：")
    text = text.replace("（", "(").replace("）", ")")
    return text.lower() if text.isascii() else text


def without_brackets(text: str) -> str:
    """``身份证号码(18位)`` → ``身份证号码``; ``行政村(社区)`` → ``行政村``."""
    return _BRACKETED.sub("", text)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str  # the Chinese name shown to users
    values: str = ""  # which value recogniser applies ("id_number", "date", …)


@dataclass(frozen=True)
class KindSpec:
    key: str
    label: str
    columns: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]  # each group: at least one of
    words: tuple[str, ...]


@dataclass
class Dictionary:
    """Header names per column, and roster kinds. ``revision`` identifies this version (the
    seed's plus administrators' changes) so a remembered mapping knows what it was made with."""

    columns: dict[str, ColumnSpec]
    kinds: dict[str, KindSpec]
    names: dict[str, str] = field(default_factory=dict)  # normalised name → key
    weak: dict[str, str] = field(default_factory=dict)
    relationships: dict[str, str] = field(default_factory=dict)  # normalised word → canonical
    revision: int = 0

    def add_name(self, key: str, name: str, *, weak: bool = False) -> None:
        normal = normalise_header(name)
        if not normal or key not in self.columns:
            return
        (self.weak if weak else self.names)[normal] = key

    def remove_name(self, name: str) -> None:
        normal = normalise_header(name)
        self.names.pop(normal, None)
        self.weak.pop(normal, None)

    def lookup(self, header: Any) -> tuple[str, bool] | None:
        """(column key, is_weak) for a header cell, or None."""
        text = normalise_header(header)
        if not text:
            return None
        for candidate in (text, without_brackets(text)):
            if candidate in self.names:
                return self.names[candidate], False
            if candidate in self.weak:
                return self.weak[candidate], True
        return None

    def label(self, key: str) -> str:
        spec = self.columns.get(key)
        return spec.label if spec else key

    def relationship(self, value: Any) -> str | None:
        """The platform's relationship for a word (本人 → 户主, 长子 → 儿子), or None."""
        text = normalise_header(value)
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        if not text:
            return None
        return self.relationships.get(text) or self.relationships.get(text.replace("（", "("))

    def kind_from_text(self, text: str, among: Iterable[str] | None = None) -> str | None:
        """The roster kind a file name or title names (低保花名册 → civil_affairs), or None
        when none or several kinds are named equally."""
        text = unicodedata.normalize("NFKC", text or "").lower()
        scores: dict[str, int] = {}
        allowed = set(among) if among is not None else set(self.kinds)
        for kind in self.kinds.values():
            if kind.key not in allowed:
                continue
            if text.split(".")[0] == kind.key:
                return kind.key
            score = sum(len(w) for w in kind.words if w.lower() in text)
            if score:
                scores[kind.key] = score
        if not scores:
            return None
        best = max(scores.values())
        winners = [k for k, s in scores.items() if s == best]
        return winners[0] if len(winners) == 1 else None


@cache
def _seed_data() -> Mapping[str, Any]:
    with SEED.open("rb") as fh:
        return tomllib.load(fh)


def seed_entries() -> list[tuple[str, str, bool]]:
    """(column key, name, weak) of every name in the seed file."""
    out: list[tuple[str, str, bool]] = []
    for key, spec in _seed_data()["columns"].items():
        out.extend((key, n, False) for n in spec.get("names", []))
        out.extend((key, n, True) for n in spec.get("weak", []))
    return out


def seed_dictionary(
    extra: Iterable[tuple[str, str, bool, bool]] = (), revision: int = 0
) -> Dictionary:
    """The seed dictionary, with ``extra`` (key, name, weak, active) changes applied in order
    (an inactive entry removes a name)."""
    data = _seed_data()
    columns = {
        key: ColumnSpec(key=key, label=spec["label"], values=spec.get("values", ""))
        for key, spec in data["columns"].items()
    }
    kinds = {
        key: KindSpec(
            key=key,
            label=spec["label"],
            columns=tuple(spec["columns"]),
            required=tuple(tuple(group.split("|")) for group in spec.get("required", [])),
            words=tuple(spec.get("words", [])),
        )
        for key, spec in data["kinds"].items()
    }
    dictionary = Dictionary(columns=columns, kinds=kinds, revision=revision)
    for key, name, weak in seed_entries():
        dictionary.add_name(key, name, weak=weak)
    for canonical, words in data["relationships"].items():
        for word in [canonical, *words]:
            dictionary.relationships[normalise_header(word)] = canonical
    for key, name, weak, active in extra:
        if active:
            dictionary.add_name(key, name, weak=weak)
        else:
            dictionary.remove_name(name)
    return dictionary


@cache
def default_dictionary() -> Dictionary:
    """The seed dictionary, built once (read-only use)."""
    return seed_dictionary()


# --- recognition by values --------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?\s*(?:月)?$|^\d{8}$")
_PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_AMOUNT = re.compile(r"^-?\d{1,9}(?:\.\d{1,2})?$")
_DIVISION = re.compile(r"^64\d{10}$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


def looks_like_id(value: Any) -> bool:
    from lianxin.core import idnumber

    text = _text(value)
    if len(text) != 18:
        return False
    try:
        idnumber.parse(text)
    except idnumber.IdNumberError:
        return False
    return True


def value_profile(values: Iterable[Any], dictionary: Dictionary) -> dict[str, float]:
    """Share of the non-empty values that look like each kind of value."""
    counts: dict[str, int] = {}
    total = 0
    import datetime as dt

    for value in values:
        text = _text(value)
        if not text:
            continue
        total += 1
        hits = []
        if looks_like_id(text):
            hits.append("id_number")
        if len(text) == 18 and text[:17].isdigit():
            hits.append("id_shape")
        if isinstance(value, dt.date) or _DATE.match(text):
            hits.append("date")
        if text in ("男", "女", "男性", "女性"):
            hits.append("sex")
        if dictionary.relationship(text) and not text.isdigit():
            hits.append("relationship")
        if _PHONE.match(text):
            hits.append("phone")
        if _AMOUNT.match(text) and not _PHONE.match(text):
            hits.append("amount")
        if _DIVISION.match(text):
            hits.append("division_code")
        for hit in hits:
            counts[hit] = counts.get(hit, 0) + 1
    if not total:
        return {}
    return {k: v / total for k, v in counts.items()} | {"_count": float(total)}
