"""In Indonesian with the hotel's own ADF front desk: no column names, no English."""

from __future__ import annotations

from tests.adf.test_dashboard import hotel  # noqa: F401 - the fixture: an ADF database, synced


def test_every_page_is_indonesian_with_a_front_desk(hotel):  # noqa: F811
    """With ADF's own tables: no column names on the Front desk page (Setup keeps them, as code)."""
    from tests.dashboard.audit import collect, problems
    from tests.dashboard.conftest import PAGES

    user = hotel.user("gm", language="id")
    found = []
    for page in PAGES:
        at = hotel.app(as_user=user, page=page)
        assert not at.exception, (page, at.exception)
        found += [f"{page}: {p}" for p in problems(collect(at))]
    assert found == [], "\n".join(found)
    setup = hotel.app(as_user=user, page="setup")
    [notes] = [e for e in setup.expander if e.label == "Perbedaan basis data ADF hotel ini"]
    assert "actual_checkin_time" in notes.code[0].value
