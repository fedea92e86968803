"""Every value fitted to its ADF column, one test per rule (pure: columns described by hand)."""

from __future__ import annotations

from decimal import Decimal

from pms.adf.fit import (
    MARKER,
    fit_charset,
    fit_choice,
    fit_length,
    fit_required,
    fit_row,
    readable_email_name,
    transliterate,
)
from pms.adf.introspect import ColumnInfo, TableInfo

GUEST_NAME = ColumnInfo("guest_name", "text", length=200, nullable=False, charset="latin1")
SOURCE = ColumnInfo(
    "booking_source", "text", length=7, choices=("walk_in", "phone", "online", "ota"), default="'walk_in'"
)
STATUS = ColumnInfo(
    "status",
    "text",
    length=11,
    choices=("pending", "confirmed", "checked_in", "checked_out", "cancelled"),
    default="'pending'",
)
ID_CARD = ColumnInfo("id_card_number", "text", length=50, nullable=False)
PRICE = ColumnInfo("final_price", "decimal", precision=12, scale=2, nullable=False)


def _guests(charset="latin1") -> TableInfo:
    cols = {
        "id": ColumnInfo("id", "int", nullable=False, autoincrement=True),
        "guest_name": ColumnInfo("guest_name", "text", length=200, nullable=False, charset=charset),
        "id_card_number": ColumnInfo("id_card_number", "text", length=50, nullable=False, charset=charset),
        "phone": ColumnInfo("phone", "text", length=20, charset=charset),
        "nationality": ColumnInfo("nationality", "text", length=50, default="'Indonesia'", charset=charset),
    }
    return TableInfo("guests", cols, charset=charset, primary_key=("id",))


def test_rule_length_cuts_and_keeps_a_marker():
    assert fit_length("Hotel Omah Sekar", 10) == "Hotel Oma" + MARKER
    assert len(fit_length("x" * 300, 200)) == 200
    assert fit_length("short", 10) == "short" and fit_length("long text", None) == "long text"
    fitted = fit_row(_guests("utf8mb4"), {"guest_name": "N" * 250, "phone": "+62 812 3456 7890 ext 12"})
    assert fitted.row["guest_name"].endswith(MARKER) and len(fitted.row["guest_name"]) == 200
    assert len(fitted.row["phone"]) == 20
    assert [a.rule for a in fitted.adaptations if a.column in ("guest_name", "phone")] == ["length", "length"]


def test_rule_choice_maps_known_values_else_the_default_with_a_warning():
    assert fit_choice("ota", SOURCE) == "ota"
    assert fit_choice("OTA", SOURCE) == "ota"  # case
    assert fit_choice("walk-in", SOURCE) == "walk_in"  # spelling
    assert fit_choice("website", SOURCE, {"website": "online"}) == "online"  # a synonym
    assert fit_choice("channel_manager", SOURCE) == "walk_in"  # unknown: the column's default
    assert fit_choice("canceled", STATUS, {"canceled": "cancelled"}) == "cancelled"
    table = TableInfo("bookings", {"booking_source": SOURCE})
    fitted = fit_row(table, {"booking_source": "channel_manager"})
    assert fitted.row == {"booking_source": "walk_in"}
    (a,) = fitted.adaptations
    assert (a.rule, a.before, a.after) == ("choice", "channel_manager", "walk_in")
    assert "not a value the column allows" in a.describe()
    # A VARCHAR status takes our words as they are.
    free = ColumnInfo("status", "text", length=20)
    assert fit_choice("checked_in", free) == "checked_in"


def test_rule_required_fills_not_null_columns_without_default():
    assert fit_required(ID_CARD, "CB-8812") == "CB-8812"
    assert fit_required(ColumnInfo("n", "int", nullable=False)) == 0
    fitted = fit_row(_guests(), {"guest_name": "Siti Rahayu"}, fallbacks={"id_card_number": "CB-8812"})
    assert fitted.row["id_card_number"] == "CB-8812"
    assert [(a.column, a.rule) for a in fitted.adaptations] == [("id_card_number", "required")]
    # A column with a default (nationality) or nullable (phone) is left to the database.
    assert "nationality" not in fitted.row and "phone" not in fitted.row
    # An update never fills columns it does not set.
    assert fit_row(_guests(), {"phone": "0812"}, fill_required=False).row == {"phone": "0812"}


def test_rule_charset_transliterates_to_a_readable_latin_form():
    assert fit_charset("Nguyễn Thị Hoà", "latin1") == "Nguyen Thi Hoa"
    assert transliterate("Łukasz Żółć") == "Lukasz Zolc"
    assert transliterate("Đặng Văn Đức") == "Dang Van Duc"
    assert fit_charset("José Müller", "latin1") == "José Müller"  # latin1 holds these: kept as typed
    assert fit_charset("Nguyễn Thị Hoà", "utf8mb4") == "Nguyễn Thị Hoà"
    assert fit_charset("Ana 😀", "utf8") == "Ana"  # utf8mb3 has no emoji


def test_rule_charset_falls_back_to_a_readable_name_never_question_marks():
    assert fit_charset("李小龙", "latin1", "Li Xiaolong") == "Li Xiaolong"
    assert fit_charset("محمد علي", "latin1", "Guest 4471") == "Guest 4471"
    assert fit_charset("Wang 李", "latin1") == "Wang"
    assert readable_email_name("li.xiaolong88@mail.cn") == "Li Xiaolong"
    assert readable_email_name("12345@mail.cn") is None
    # A mailbox that names no one falls back to "Guest <id>", not to a hundred guests called "Guest".
    assert readable_email_name("guest45821@gmail.com") is None
    assert readable_email_name("info@hotel.example") is None
    fitted = fit_row(
        _guests(), {"guest_name": "李小龙"}, fallbacks={"guest_name": "Li Xiaolong", "id_card_number": "x"}
    )
    assert fitted.row["guest_name"] == "Li Xiaolong" and "?" not in fitted.row["guest_name"]
    assert ("guest_name", "charset") in {(a.column, a.rule) for a in fitted.adaptations}


def test_rule_range_refuses_an_amount_the_column_cannot_hold():
    table = TableInfo("bookings", {"final_price": PRICE})
    assert fit_row(table, {"final_price": "1250000.456"}).row == {"final_price": Decimal("1250000.46")}
    fitted = fit_row(table, {"final_price": Decimal(12345678901234)})
    assert fitted.refused and "too large" in fitted.refused


def test_renamed_and_missing_columns():
    table = TableInfo(
        "bookings",
        {
            "actual_checkin_time": ColumnInfo("actual_checkin_time", "datetime"),
            "status": ColumnInfo("status", "text", length=20),
        },
    )
    fitted = fit_row(table, {"actual_check_in": None, "status": "confirmed", "ota_source_detail": "agoda"})
    assert fitted.row == {"actual_checkin_time": None, "status": "confirmed"}  # renamed kept, missing dropped
    assert fitted.adaptations == []


def test_an_update_never_invents_a_value_for_a_required_column():
    table = TableInfo("bookings", {"room_id": ColumnInfo("room_id", "int", nullable=False)})
    assert fit_row(table, {"room_id": None}, fill_required=False).row == {}
    assert fit_row(table, {"room_id": None}).row == {"room_id": 0}
