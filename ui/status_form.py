"""The planners' form for changing a task's or a qualitative goal's status.

Every change is a new row (who, when, evidence), like actuals, so the history stays.
"""

from __future__ import annotations

import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.domain.taskboard import TASK_STATUSES
from indicators.store import StoreBusy
from ui.auth_ui import require_planner
from ui.session import store
from ui.site import rebuild_site


class StatusKeys:
    """Widget keys of the form (one form per page)."""

    SUBJECT = "views.status.{}"  # by subject type: task | target
    STATUS = "views.status.status"
    EVIDENCE = "views.status.evidence"
    NOTE = "views.status.note"
    SUBMIT = "views.status.submit"


def status_form(subject_type: str, subjects: dict[str, str], lang: Lang, *, form_key: str) -> None:
    """``subjects`` maps ids to the names shown; drawn only for a logged-in planner."""
    account = require_planner(lang)
    if account is None or not subjects:
        return
    with st.form(f"views.status_form.{form_key}", clear_on_submit=True):
        subject = st.selectbox(
            _("views.tasks.change.task", lang),
            list(subjects),
            format_func=lambda s: subjects[s],
            key=StatusKeys.SUBJECT.format(subject_type),
        )
        status = st.radio(
            _("views.tasks.change.status", lang),
            TASK_STATUSES,
            horizontal=True,
            key=StatusKeys.STATUS,
            format_func=lambda s: _(f"views.task_status.{s}", lang),
        )
        evidence = st.text_area(
            _("views.tasks.change.evidence", lang), height=80, key=StatusKeys.EVIDENCE
        )
        note = st.text_input(_("views.tasks.change.note", lang), key=StatusKeys.NOTE)
        submitted = st.form_submit_button(
            _("views.tasks.change.submit", lang), key=StatusKeys.SUBMIT
        )
    if not submitted:
        return
    try:
        store().set_status(
            subject_type,
            subject,
            status,
            user=account.name,
            note=note.strip() or None,
            evidence=evidence.strip() or None,
        )
    except StoreBusy as exc:
        st.error(_("views.tasks.change.busy", lang, error=str(exc)))
        return
    rebuild_site(store(), None)  # the public tasks page shows statuses too
    st.success(
        _(
            "views.tasks.change.saved",
            lang,
            subject=subjects[subject],
            status=_(f"views.task_status.{status}", lang),
            user=for_markdown(account.name),
        )
    )
