"""The operations dashboard: page frame, login gate and the navigation each role may see.

Run with ``python -m pms serve`` (the one server) or ``streamlit run dashboard.py``. This script
runs on every interaction: it sets the database up once per process, asks for the first manager
or a login, starts the demo sandbox when no Cloudbeds credentials are stored, and only then
builds the navigation from the pages the user's role allows. An address opened before the
login (``/monitoring``) is remembered and opened after it, when the role may see that page.
Pages live in ``app_pages/`` (not ``pages/``: Streamlit would run a ``pages/`` script directly
on a deep link, without this gate) and check the role again themselves.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import streamlit as st

from pms import accounts
from pms import alerts as alerts_mod
from pms.db.credentials import has_credentials
from pms.errors import PMSError
from pms.i18n import LANGUAGES
from pms.reporting.property import active_property
from ui import boot, session
from ui.auth import first_manager_form, login_form
from ui.context import PageContext, set_context
from ui.errors import show_error
from ui.widgets import plain

log = logging.getLogger("pms.dashboard")

# (page name = permission, file, title key, icon, section key). The order is the menu's order.
PAGES = [
    ("overview", "app_pages/overview.py", "nav.overview", "📊", "nav.daily"),
    ("frontdesk", "app_pages/frontdesk.py", "nav.frontdesk", "🛏️", "nav.daily"),
    ("reservations", "app_pages/reservations.py", "nav.reservations", "🛎️", "nav.daily"),
    ("rates", "app_pages/rates.py", "nav.rates", "💰", "nav.daily"),
    ("sync", "app_pages/sync.py", "nav.sync", "🔄", "nav.integration"),
    ("room_mapping", "app_pages/room_mapping.py", "nav.room_mapping", "🗺️", "nav.integration"),
    ("monitoring", "app_pages/monitoring.py", "nav.monitoring", "📈", "nav.integration"),
    ("connection", "app_pages/connection.py", "nav.connection", "🔌", "nav.admin"),
    ("setup", "app_pages/setup.py", "nav.setup", "🛠️", "nav.admin"),
    ("settings", "app_pages/settings.py", "nav.settings", "⚙️", "nav.admin"),
]

PAGE_NAMES = frozenset(name for name, *_ in PAGES)
WANTED_KEY = "_pms_wanted_page"

st.set_page_config(
    page_title="Cloudbeds PMS",
    page_icon="🏨",
    layout="wide",
    menu_items={"Get help": None, "Report a bug": None, "About": None},
)


def language_switch(engine, user) -> None:
    """The sidebar's language choice, always showing the language in use (the account's after a
    login); a change is saved to the account, so the next login, reload or tab opens in it."""
    if session.language_changed():
        session.set_language(engine, session.language(), user)
    current = session.language()
    if st.session_state.get(session.CHOICE_KEY) != current:
        st.session_state[session.CHOICE_KEY] = current
    st.sidebar.selectbox(
        "🌐",
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=session.CHOICE_KEY,
        on_change=session.choose_language,
        label_visibility="collapsed",
    )


def banners(ctx: PageContext) -> None:
    t = ctx.t
    if ctx.prop.is_demo:
        key = "demo.banner" if ctx.can("connection") else "demo.banner_staff"  # no page staff cannot open
        st.warning(t(key, name=plain(ctx.prop.label)), icon="🧪")
    alerts = ctx.q(alerts_mod.active_alerts, ctx.pid)
    if alerts:
        # The alert's name in the reader's words (its stored detail is English; the Overview shows it)
        st.error(t("alerts.banner", n=len(alerts), message=t.label("alert", alerts[0].key)), icon="🔔")


def requested_page() -> str | None:
    """The page named by the address the browser opened (``/monitoring``), if it names one."""
    try:
        url = st.context.url or ""
    except Exception:  # no browser behind this run (a test harness)
        return None
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return last if last in PAGE_NAMES else None


def remember_requested_page() -> None:
    """Before a login: keep the page asked for, to open it once the login succeeds."""
    wanted = requested_page()
    if wanted:
        st.session_state[WANTED_KEY] = wanted


def navigation(ctx: PageContext):
    sections: dict[str, list] = {}
    pages = {}
    for name, path, title, icon, section in PAGES:
        if ctx.can(name):
            pages[name] = st.Page(
                path, title=ctx.t(title), icon=icon, url_path=name, default=name == "overview"
            )
            sections.setdefault(ctx.t(section), []).append(pages[name])
    nav = st.navigation(sections, position="sidebar")
    wanted = st.session_state.pop(WANTED_KEY, None)
    if wanted in pages and pages[wanted].url_path != nav.url_path:
        st.switch_page(pages[wanted])  # the deep link opened before the login (a page this role may see)
    return nav


def sidebar(ctx: PageContext) -> None:
    t = ctx.t
    with st.sidebar:
        st.markdown(f"**🏨 {plain(ctx.prop.label)}**" + (f" · {t('demo.tag')}" if ctx.prop.is_demo else ""))
        st.caption(t("auth.signed_in_as", name=plain(ctx.user.username), role=t(f"role.{ctx.user.role}")))
        if st.button(t("auth.logout"), key="logout"):
            session.log_out(ctx.engine)
            st.rerun()


def main() -> None:
    t = session.translator()
    try:
        engine = boot.engine()
        boot.ensure_setup()
    except PMSError as exc:
        st.title(t("boot.db_problem_title"))
        st.error(t("boot.db_problem", error=plain(str(exc))))
        st.stop()
    user = session.current_user(engine)
    session.sync_cookie()
    language_switch(engine, user)
    t = session.translator()
    if accounts.count_users(engine) == 0:
        remember_requested_page()
        first_manager_form(engine, t)
        st.stop()
    if user is None:
        remember_requested_page()
        login_form(engine, t)
        st.stop()
    demo_pid = boot.ensure_demo_if_needed(engine, has_credentials(engine))
    ctx = PageContext(engine=engine, t=t, user=user, prop=active_property(engine, demo_pid))
    set_context(ctx)
    nav = navigation(ctx)
    sidebar(ctx)
    banners(ctx)
    try:
        nav.run()
    except Exception as exc:  # stop/rerun/switch_page are BaseException and pass through
        show_error(exc, t)


try:
    main()
except Exception as exc:  # the frame itself failed: still a message, never a traceback
    show_error(exc, session.translator())
