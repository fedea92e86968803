"""Both languages complete and consistent; money, numbers and times written the local way."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pms import i18n
from pms.config import PROJECT_ROOT

EN, ID = i18n.messages("en"), i18n.messages("id")
UI_FILES = [
    PROJECT_ROOT / "dashboard.py",
    *sorted((PROJECT_ROOT / "ui").glob("*.py")),
    *sorted((PROJECT_ROOT / "app_pages").glob("*.py")),
]
# Words that are the same in both languages (product names, abbreviations, formats).
SAME_ALLOWED = {
    "OK",
    "DEMO",
    "Cloudbeds",
    "HTTP",
    "Id",
    "Status",
    "Mode",
    "E-mail",
    "Endpoint",
    "{error}",
    "Total",
    "Check-in",
    "Check-out",
    "Hotel",
    "{name} · {today}",
    "{start} – {end}",
    "Cloudbeds → hotel",
    "Hotel → Cloudbeds",
    "Webhook",
    "Client ID",
    "Client Secret",
    "API key",
    "{name} ({score})",
    "{mode} · {entities} · {direction}",
    "{entity} {ref}: {message}",
    "{setting}: {detail}",
}


def test_both_languages_have_the_same_keys_and_placeholders():
    assert set(EN) == set(ID)
    for key in EN:
        assert i18n.placeholders(EN[key]) == i18n.placeholders(ID[key]), key


def test_indonesian_is_really_translated():
    same = sorted(k for k in EN if EN[k] == ID[k] and EN[k] not in SAME_ALLOWED)
    assert same == []


def _literal_keys() -> set[str]:
    prefixes = {k.split(".")[0] for k in EN}
    found = set()
    for path in UI_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # permission names (ctx.can("rates.edit"), ctx.require(...)) look like keys but are not
        permissions = {
            id(arg)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in ("can", "require")
            for arg in call.args
        }
        for node in ast.walk(tree):
            if id(node) in permissions:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if (
                    "." in text
                    and " " not in text
                    and text.split(".")[0] in prefixes
                    and not text.endswith(".py")
                ):
                    found.add(text)
    return found


def test_every_key_the_dashboard_uses_exists():
    missing = sorted(k for k in _literal_keys() if k not in EN and not k.endswith("."))
    assert missing == []


def test_dynamic_key_families_are_complete():
    from pms import accounts, alerts, edits
    from pms.db.remote import ADVICE

    families = {
        "role": accounts.ROLES,
        "alert": alerts.KEYS,
        "guest": tuple(edits.GUEST_FIELDS),
        "status": ("not_confirmed", "confirmed", "checked_in", "checked_out", "canceled", "no_show"),
        "sync_status": ("synced", "pending", "error", "expired"),
        "table_status": ("ok", "created", "adopted", "problem", "missing"),
        "monitoring.keep": ("api_log", "webhook", "sync_log", "outbound"),
        "direction": ("pull", "push", "both"),
        "mode": ("window", "incremental", "full"),
        "error.db": tuple(ADVICE),
    }
    try:
        from pms.sync import DIRECTIONS, ENTITIES, MODES
        from pms.sync.plan import ACTION_KINDS

        families.update({"entity": ENTITIES, "direction": DIRECTIONS, "mode": MODES, "action": ACTION_KINDS})
    except ImportError:
        pass
    missing = [
        f"{prefix}.{name}"
        for prefix, names in families.items()
        for name in names
        if f"{prefix}.{name}" not in EN
    ]
    assert missing == []


def test_missing_keys_fall_back_visibly():
    t = i18n.Translator("id")
    assert t("nav.overview") == "Ringkasan"
    assert t("no.such.key") == "no.such.key"
    assert i18n.Translator("fr").lang == "en"
    assert t("common.rows_of", first=1, last=2, total=3) == "Baris 1–2 dari 3"
    assert t("common.rows_of", first=1) == ID["common.rows_of"]  # a missing value never crashes


@pytest.mark.parametrize(
    "amount,currency,lang,expected",
    [
        (1250000, "IDR", "id", "Rp 1.250.000"),
        (Decimal("1250000.00"), "IDR", "en", "Rp 1.250.000"),
        (Decimal("999.5"), "IDR", "en", "Rp 1.000"),
        (-150000, "IDR", "id", "-Rp 150.000"),
        (0, "IDR", "id", "Rp 0"),
        (Decimal("1250.5"), "USD", "en", "USD 1,250.50"),
        (Decimal("1250.5"), "usd", "id", "USD 1.250,50"),
        (None, "IDR", "id", "–"),
    ],
)
def test_money(amount, currency, lang, expected):
    assert i18n.format_money(amount, currency, lang) == expected


def test_numbers_and_percent():
    assert i18n.format_number(1234567, "en") == "1,234,567"
    assert i18n.format_number(1234567, "id") == "1.234.567"
    assert i18n.format_number(12.345, "id", 2) == "12,35"
    assert i18n.format_number("not a number", "en") == "not a number"
    assert i18n.format_percent(0.855, "id", 1) == "85,5%"
    assert i18n.format_percent(0.855, "en") == "86%"


def test_dates_and_times_in_the_property_zone():
    assert i18n.format_date(date(2026, 8, 17), "id") == "17 Agu 2026"
    assert i18n.format_date(date(2026, 12, 25), "en") == "25 Dec 2026"
    moment = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 06:30 on the 25th in Jakarta
    assert i18n.format_datetime(moment, "Asia/Jakarta", "id") == "25 Nov 2026 06.30 WIB"
    assert i18n.format_datetime(moment, "Asia/Jakarta", "en") == "25 Nov 2026 06:30 WIB"
    assert i18n.format_datetime(moment, "Asia/Makassar", "en") == "25 Nov 2026 07:30 WITA"
    assert i18n.format_datetime(None, "Asia/Jakarta") == "–"
    assert i18n.format_datetime(moment, "Not/AZone", "en").endswith("UTC")
    assert i18n.local_now("Asia/Jakarta", moment).date() == date(2026, 11, 25)
    assert i18n.weekday_short(date(2026, 11, 27), "id") == "Jum"


def test_ago_and_durations():
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert i18n.format_ago(now - timedelta(minutes=12), "id", now) == "12 menit yang lalu"
    assert i18n.format_ago(now - timedelta(hours=3), "en", now) == "3 h ago"
    assert i18n.format_ago(now - timedelta(days=1, hours=2), "id", now) == "1 hari yang lalu"
    assert i18n.format_ago(None, "id") == "belum pernah"
    assert i18n.format_duration_ms(850) == "850 ms"
    assert i18n.format_duration_ms(12_400, "id") == "12,4 s"
    assert i18n.format_duration_ms(185_000) == "3 min 5 s"


# Metric labels do not wrap or get cut ("Kesehatan sinkro..."): rows of five or more metrics
# (the Overview's first row, a sync plan's actions) have room for about 18 characters, rows of
# three or four for about 26; a longer meaning goes in the metric's help.
WIDE_ROW_METRICS = [
    "overview.health",
    "overview.synced",
    "overview.pending_push",
    "overview.in_error",
    "overview.failures_today",
    "overview.api_calls_today",
    "overview.last_sync",
    *[k for k in EN if k.startswith(("action.", "frontdesk.action."))],
]
NARROW_ROW_METRICS = [
    "overview.arrivals",
    "overview.departures",
    "overview.in_house",
    "frontdesk.created",
    "frontdesk.linked",
    "frontdesk.updated",
    "frontdesk.open",
]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_metric_labels_fit_their_column(lang):
    words = i18n.messages(lang)
    too_long = [(k, words[k]) for k in WIDE_ROW_METRICS if len(words[k]) > 18]
    too_long += [(k, words[k]) for k in NARROW_ROW_METRICS if len(words[k]) > 26]
    assert too_long == []


def test_every_metric_label_is_checked_for_its_width():
    """A metric added to a page (``.metric(t("..."))``) must be in one of the lists above."""
    used = set()
    for path in UI_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "metric" and node.args:
                label = node.args[0]
                if isinstance(label, ast.Call) and label.args and isinstance(label.args[0], ast.Constant):
                    used.add(label.args[0].value)
    assert used and used <= set(WIDE_ROW_METRICS) | set(NARROW_ROW_METRICS), sorted(used)


def test_said_messages_are_english_text_and_any_language():
    import pickle

    said = i18n.Said("edit.required", {"field": i18n.Term("guest.first_name")})
    assert said == "First name is required." and said.key == "edit.required"
    assert i18n.Translator("id").said(said) == "Nama depan wajib diisi."
    assert i18n.Translator("id").said("as written") == "as written"
    assert pickle.loads(pickle.dumps(said)).values == said.values  # the query cache pickles results
    nested = i18n.Said("sync.warn_line", {"entity": "rooms", "ref": "rt-1", "message": said})
    assert i18n.Translator("id").said(nested) == "rooms rt-1: Nama depan wajib diisi."


def test_charts_write_numbers_as_the_tables_do():
    assert i18n.plotly_separators("id") == ",."  # decimal comma, thousands dot: 1.250.000,5
    assert i18n.plotly_separators("en") == ".,"
    assert i18n.format_number(1250000.5, "id", 1) == "1.250.000,5"


def test_room_mapping_issues_are_said_in_both_languages():
    from pms.sync.mapping import validate_mappings

    types = [{"room_type_id": "rt-1", "name": "Deluxe"}, {"room_type_id": "rt-2", "name": "Suite"}]
    mappings = [
        {"adf_room_type": "DLX", "cloudbed_room_type_id": "rt-1"},
        {"adf_room_type": "DLX2", "cloudbed_room_type_id": "rt-1"},
        {"adf_room_type": "OLD", "cloudbed_room_type_id": "rt-9"},
    ]
    issues = validate_mappings(mappings, types, {"rt-2": 3})
    t = i18n.Translator("id")
    said = {i.kind: t.said(i.message) for i in issues}
    assert said["mapped_twice"].startswith(
        "Tipe kamar Cloudbeds Deluxe dipetakan dari 2 tipe ADF (DLX, DLX2)"
    )
    assert said["unknown_cloudbeds_type"].startswith("Tipe ADF OLD dipetakan ke tipe kamar Cloudbeds rt-9")
    assert said["unmapped_with_reservations"].startswith("Tipe kamar Cloudbeds Suite punya 3 kamar terpesan")
    english = {i.kind: str(i.message) for i in issues}
    assert english["unmapped_with_reservations"] == (
        "Cloudbeds room type Suite has 3 booked room(s) but no ADF room type: map it"
    )
