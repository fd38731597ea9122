"""Every UI string in Simplified Chinese and English, through one function.

Labels live in the CSV files beside this module (``key,zh,en``), one file per area of the
app so parallel work does not collide; keys are unique across all files. Placeholders are
named: ``_("overview.as_of", lang, period="2021")`` with ``数据截至 {period}``. A count is
passed as ``n``: a key with a ``.one`` twin (``views.tasks.count.one``) uses it when n is 1.
Names of targets, tasks and regions come from the catalog, not from here.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
_DIR = Path(__file__).resolve().parent


class LabelError(KeyError):
    pass


@cache
def labels() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                key = (row["key"] or "").strip()
                # An unquoted comma shifted the rest of the row: English showed Chinese.
                if None in row or None in row.values():
                    raise LabelError(f"{path.name} row {n}: not exactly key,zh,en")
                if key in table:
                    raise LabelError(f"{path.name} row {n}: duplicate label key {key!r}")
                table[key] = {"zh": row["zh"], "en": row["en"]}
    return table


def normalise_lang(value: object) -> Lang:
    text = str(value or "").lower()
    return "en" if text.startswith("en") else "zh"


# A label with a ".one" twin says it for exactly one (n=1): "1 task", "1 percentage point".
ONE = ".one"


def _(key: str, lang: Lang, /, **values: object) -> str:
    if values.get("n") == 1 and key + ONE in labels():
        key += ONE
    entry = labels().get(key)
    if entry is None:
        raise LabelError(f"no label {key!r}")
    text = entry[lang] or entry["zh"]
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    return key in labels()
