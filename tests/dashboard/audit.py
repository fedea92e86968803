"""What a person reads on a rendered page, and what in it is not Indonesian.

The audit collects every visible string of an AppTest run (titles, text, labels, options, help,
table headers and cells, chart labels) and finds what the translation missed: a translation key
shown as itself, English words and sentences, raw column and setting names, enum values left as
stored, "None" in a cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

from pms import i18n
from tests.dashboard.conftest import shown

EN, ID = i18n.messages("en"), i18n.messages("id")
_PREFIXES = {k.split(".")[0] for k in EN}
_KEY = re.compile(r"\b([a-z_]+)((?:\.[a-z0-9_]+)+)\b")

# English that has no place in the Indonesian dashboard (whole words, case-sensitive where the
# same letters are Indonesian or a product name).
ENGLISH = [
    r"\bthe\b",
    r"\bThe\b",
    r"\bis required\b",
    r"\bmust be\b",
    r"\bcannot\b",
    r"\bplease\b",
    r"\bPlease\b",
    r"\bskipped\b",
    r"\bconnected to\b",
    r"\btables ready\b",
    r"\breservation\(s\)",
    r"\brate plan\(s\)",
    r"\bvisible\b",
    r"\bcompleted\b",
    r"\bfailed\b",
    r"\bpending\b",
    r"\bprocessed\b",
    r"\bNone\b",
    r"\bnan\b",
    r"\bNaN\b",
    r"\b[Dd]omain rule\b",
    r"\brule \d+\b",
    r"\bDOMAIN\b",
    r"\bPlan:",
    # common English words that Indonesian never uses
    r"\b(?:has|have|but|and|with|which|from|of|is|are|was|were|not|could|would|should|only)\b",
]
# Raw names of columns and settings (snake_case words, cloudbed_* keys).
JARGON = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
# Stored values that must never reach a cell as they are.
ENUMS = {
    "pull",
    "push",
    "both",
    "window",
    "incremental",
    "full",
    "manual",
    "auto",
    "webhook",
    "cli",
    "completed",
    "partial",
    "failed",
    "running",
    "pending",
    "processing",
    "processed",
    "ignored",
    "sent",
    "refused",
    "allowed",
    "confirmed",
    "not_confirmed",
    "checked_in",
    "checked_out",
    "canceled",
    "synced",
    "error",
    "True",
    "False",
    "None",
}

ENTITIES = {"catalog", "reservations", "guests", "rates", "availability"}


@dataclass
class Seen:
    """Visible strings of one run: ``chrome`` is ours (labels, messages), ``cells`` table values."""

    chrome: list[str] = field(default_factory=list)
    cells: list[tuple[str, str]] = field(default_factory=list)  # (column label, value)
    headers: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)


_INPUTS = {
    "selectbox",
    "multiselect",
    "radio",
    "text_input",
    "number_input",
    "date_input",
    "toggle",
    "checkbox",
}


def _labels(el, kind: str) -> list[str]:
    out = []
    attrs = ("label", "help", "placeholder") if kind in _INPUTS else ("label", "value", "help")
    for attr in attrs:
        try:
            v = getattr(el, attr)
        except Exception:  # not every element has every attribute
            continue
        if isinstance(v, str) and v:
            out.append(v)
    try:
        options = el.options
    except Exception:
        options = None
    if options:
        out.extend(str(o) for o in options)
    return out


def collect(at) -> Seen:
    seen = Seen()
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "text",
        "toast",
        "metric",
        "button",
        "selectbox",
        "multiselect",
        "radio",
        "text_input",
        "number_input",
        "date_input",
        "toggle",
        "checkbox",
        "tabs",
        "expander",
        "status",
    ):
        for el in getattr(at, kind):
            seen.chrome.extend(shown(s) for s in _labels(el, kind))
            if kind == "metric":
                seen.chrome.append(str(el.proto.help or ""))
    for el in at.get("download_button"):
        seen.chrome.append(el.proto.label)
    for el in list(at.dataframe) + list(at.data_editor):
        config = json.loads(el.proto.columns or "{}")
        frame: pd.DataFrame = el.value
        labels = {}
        for col in frame.columns:
            label = (config.get(str(col)) or {}).get("label") or str(col)
            if not (config.get(str(col)) or {}).get("hidden"):
                labels[col] = label
                seen.headers.append(label)
        for col, label in labels.items():
            for value in frame[col].tolist():
                seen.cells.append((label, "None" if value is None else str(value)))
    for el in at.get("plotly_chart"):
        seen.charts.append(json.loads(el.proto.spec))
    return seen


_CODE = re.compile(r"`[^`]*`")
# Names a manager types on the server itself (the Setup page's hint), not jargon on a screen.
ALLOWED = {"database_url"}


def problems(seen: Seen) -> list[str]:
    """What is not Indonesian (text in `code` is a value shown as it is, e.g. the database address)."""
    found = []
    for whole in seen.chrome + seen.headers:
        if whole in ENUMS:
            found.append(f"untranslated value {whole!r}")
        text = _CODE.sub("", whole)
        for match in _KEY.finditer(text):
            if match.group(1) in _PREFIXES and match.group(0) in EN:
                found.append(f"untranslated key {match.group(0)!r} in {text!r}")
        for pattern in ENGLISH:
            if re.search(pattern, text):
                found.append(f"English {pattern!r} in {text!r}")
        for word in set(JARGON.findall(text)) - ALLOWED:
            found.append(f"raw name {word!r} in {text!r}")
    for header in seen.headers:
        if JARGON.fullmatch(header) or (header.islower() and "_" in header):
            found.append(f"raw column header {header!r}")
    for label, value in seen.cells:
        parts = {p.strip() for p in value.split(",")}
        if parts <= ENTITIES:
            found.append(f"untranslated entities {value!r} in column {label!r}")
        if value in ENUMS or value in ("nan", "NaT", "<NA>"):
            found.append(f"untranslated value {value!r} in column {label!r}")
    for spec in seen.charts:
        layout = spec.get("layout", {})
        if layout.get("separators") != ",.":
            found.append(f"chart without Indonesian separators: {layout.get('separators')!r}")
    return sorted(set(found))
