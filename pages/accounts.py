"""Accounts (admins): create, disable, reset a password, set role and regions; the review
switch. Every change goes to the audit log with the admin's name."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.base.catalog import NATIONAL, CatalogError, load_catalog
from indicators.base.i18n import Lang, _
from indicators.domain.auth import ROLES, Account, Accounts, AuthError, random_password
from indicators.domain.review_policy import review_mode
from indicators.store import StoreBusy, StoreError
from indicators.store.reviews import ReviewSetting
from ui.auth_ui import require_account
from ui.common import lang, snapshot
from ui.session import store


class AccountKeys:
    NEW_NAME = "accounts.new.name"
    NEW_ROLE = "accounts.new.role"
    NEW_REGIONS = "accounts.new.regions"
    CHOOSE = "accounts.choose"
    ROLE = "accounts.role"
    REGIONS = "accounts.regions"
    SAVE = "accounts.save"
    DISABLE = "accounts.disable"
    RESET = "accounts.reset"
    MODE = "accounts.mode"
    MODE_SAVE = "accounts.mode.save"
    CATALOG = "accounts.catalog"
    DONE = "accounts.done"  # a message (and a one-time password) after the rerun


def _region_names(lg: Lang) -> dict[str, str]:
    catalog = snapshot().catalog
    return {
        r.code: r.name(lg) for r in catalog.regions.values() if r.level in ("national", "province")
    }


def _table(held: dict[str, Account], lg: Lang, names: dict[str, str]) -> None:
    rows = [
        {
            _("auth.name", lg): a.name,
            _("accounts.col.role", lg): _(f"auth.role.{a.role}", lg),
            _("accounts.col.regions", lg): "、".join(names.get(c, c) for c in a.regions),
            _("accounts.col.disabled", lg): _("accounts.yes", lg) if a.disabled else "",
        }
        for a in held.values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _create(accounts: Accounts, me: str, lg: Lang, names: dict[str, str]) -> None:
    st.subheader(_("accounts.new", lg))
    with st.form("accounts.new.form"):
        name = st.text_input(_("auth.name", lg), key=AccountKeys.NEW_NAME)
        role = st.selectbox(
            _("accounts.col.role", lg),
            ROLES,
            key=AccountKeys.NEW_ROLE,
            format_func=lambda r: _(f"auth.role.{r}", lg),
        )
        regions = st.multiselect(
            _("accounts.col.regions", lg),
            list(names),
            default=[NATIONAL],
            format_func=names.__getitem__,
            key=AccountKeys.NEW_REGIONS,
        )
        submitted = st.form_submit_button(_("accounts.create", lg))
    if not submitted:
        return
    password = random_password()
    try:
        accounts.add(name.strip(), password, role=role, regions=regions, by=me)
    except (AuthError, StoreError) as exc:
        st.error(str(exc))
        return
    st.session_state[AccountKeys.DONE] = (_("accounts.created", lg, name=name.strip()), password)
    st.rerun()


def _change(
    accounts: Accounts, held: dict[str, Account], me: str, lg: Lang, names: dict[str, str]
) -> None:
    st.subheader(_("accounts.change", lg))
    if not held:
        return
    name = st.selectbox(_("auth.name", lg), list(held), key=AccountKeys.CHOOSE)
    account = held[name]
    role = st.selectbox(
        _("accounts.col.role", lg),
        ROLES,
        index=ROLES.index(account.role),
        format_func=lambda r: _(f"auth.role.{r}", lg),
        key=f"{AccountKeys.ROLE}.{name}",
    )
    regions = st.multiselect(
        _("accounts.col.regions", lg),
        list(names),
        default=[c for c in account.regions if c in names],
        format_func=names.__getitem__,
        key=f"{AccountKeys.REGIONS}.{name}",
    )
    c1, c2, c3 = st.columns(3)
    message, password = None, None
    try:
        if c1.button(_("accounts.save", lg), key=AccountKeys.SAVE):
            if role != account.role:
                accounts.set_role(name, role, by=me)
            if tuple(sorted(regions)) != account.regions:
                accounts.set_regions(name, regions, by=me)
            message = _("accounts.saved", lg, name=name)
        label = "accounts.enable" if account.disabled else "accounts.disable"
        # An admin cannot lock themself out from here.
        if c2.button(_(label, lg), key=AccountKeys.DISABLE, disabled=name == me):
            accounts.set_disabled(name, not account.disabled, by=me)
            message = _("accounts.saved", lg, name=name)
        if c3.button(_("accounts.reset", lg), key=AccountKeys.RESET):
            password = accounts.reset_password(name, by=me)
            message = _("accounts.reset_done", lg, name=name)
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    except (AuthError, StoreError) as exc:
        st.error(str(exc))
        return
    if message is not None:
        st.session_state[AccountKeys.DONE] = (message, password)
        st.rerun()


def _review_mode(me: str, lg: Lang) -> None:
    st.subheader(_("accounts.review", lg))
    s = store()
    setting, on = review_mode(s)
    modes: tuple[ReviewSetting, ...] = ("auto", "on", "off")
    mode = st.radio(
        _("accounts.review", lg),
        modes,
        index=modes.index(setting),
        format_func=lambda m: _(f"review.mode.{m}", lg),
        key=AccountKeys.MODE,
        label_visibility="collapsed",
        horizontal=True,
    )
    st.caption(
        _(
            "review.mode_now",
            lg,
            mode=_(f"review.mode.{setting}", lg),
            state=_("review.on" if on else "review.off", lg),
        )
    )
    if mode != setting and st.button(_("accounts.save", lg), key=AccountKeys.MODE_SAVE):
        s.set_review_mode(mode, user=me)
        st.session_state[AccountKeys.DONE] = (_("accounts.review_saved", lg), None)
        st.rerun()


def _catalog(me: str, lg: Lang) -> None:
    st.subheader(_("accounts.catalog", lg))
    st.caption(_("accounts.catalog_help", lg))
    if not st.button(_("accounts.catalog_reload", lg), key=AccountKeys.CATALOG):
        return
    try:
        catalog = load_catalog()
        s = store()
        s.load_catalog(catalog)  # actuals and statuses are kept
        s.audit(me, "catalog_reload", None, f"{len(catalog.targets)} targets")
    except CatalogError as exc:  # a bad catalog file: nothing was replaced
        st.error(str(exc))
        return
    except StoreBusy:
        st.warning(_("upload.busy", lg))
        return
    st.session_state[AccountKeys.DONE] = (
        _("accounts.catalog_done", lg, n=len(catalog.targets)),
        None,
    )
    st.rerun()


def render() -> None:
    lg = lang()
    st.title(_("accounts.title", lg))
    account = require_account(lg, "admin")
    if account is None:
        return
    if not account.is_admin:
        st.warning(_("auth.not_an_admin", lg))
        return
    done = st.session_state.pop(AccountKeys.DONE, None)
    if done is not None:
        st.success(done[0])
        if done[1]:
            # Shown once: only the hash is kept.
            st.info(_("accounts.password_once", lg))
            st.code(done[1], language=None)  # verbatim, with a copy button
    accounts = Accounts(store())
    names = _region_names(lg)
    # One read of the accounts for the table and the change form: a change reruns the page.
    held = accounts.load()
    _table(held, lg, names)
    _create(accounts, account.name, lg, names)
    _change(accounts, held, account.name, lg, names)
    _review_mode(account.name, lg)
    _catalog(account.name, lg)


render()
