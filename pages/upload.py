"""Upload a file or paste a table: how it was read, every problem, a preview, then commit."""

from __future__ import annotations

import hashlib

import streamlit as st

from indicators.base.i18n import Lang, _
from indicators.domain.snapshot import Snapshot
from indicators.ingest import (
    Checked,
    Options,
)
from indicators.ingest.display import (
    encoding_name,
    ignored_table,
    read_details,
    read_summary,
    sheet_choice,
)
from indicators.ingest.pipeline import ALL_SHEETS
from indicators.ingest.read import max_upload_bytes, sheet_names, upload_backstop_mb
from indicators.ingest.scope import outside_scope
from indicators.ingest.template import template_csv, template_xlsx
from indicators.ingest.worker import check_file_bounded
from ui import upload_guard
from ui.auth_ui import require_planner
from ui.commit_view import CommitKeys, preview_and_commit, show_problems, show_stored
from ui.common import derived, lang, snapshot
from ui.session import store
from ui.streamlit_private import MARKDOWN_CONTAINER, UPLOADER_DROPZONE, UPLOADER_INSTRUCTIONS

ENCODINGS = ("auto", "utf_8", "gb18030", "big5", "utf_16")


class UploadKeys:
    FILE = "upload.file"  # + the round: a new key empties the uploader after a commit
    PASTE = "upload.paste"  # + the round, likewise
    ROUND = "upload.round"
    LAYOUT = "upload.layout"
    ENCODING = "upload.encoding"
    SHEET = "upload.sheet"
    REGION = "upload.region"
    INDICATOR = "upload.indicator"
    FRACTIONS = "upload.fractions"
    AGAIN = "upload.again"
    NOTE = "upload.note"
    COMMIT = "upload.commit"
    CHECKED = "upload.checked"  # (file sha + options, Checked): parse once per choice
    DONE = "upload.done"  # the Upload just stored, shown after the rerun


def _template_csv(snap: Snapshot) -> bytes:
    return template_csv(snap.catalog, snap.actuals)


def _template_xlsx(snap: Snapshot) -> bytes:
    return template_xlsx(snap.catalog, snap.actuals)


def _templates(lg: Lang) -> None:
    # Built from the cached snapshot once per data version, not from the store every rerun.
    c1, c2, _c3 = st.columns([1, 1, 3])
    c1.download_button(
        _("upload.template_csv", lg),
        derived(_template_csv),
        file_name="template.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    c2.download_button(
        _("upload.template_xlsx", lg),
        derived(_template_xlsx),
        file_name="template.xlsx",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _options(lg: Lang, data: bytes, name: str) -> Options:
    catalog = snapshot().catalog
    with st.expander(_("upload.options", lg)):
        c1, c2 = st.columns(2)
        layout = c1.radio(
            _("upload.layout", lg),
            ("auto", "long", "wide"),
            horizontal=True,
            format_func=lambda v: _(f"upload.layout.{v}", lg),
            key=UploadKeys.LAYOUT,
        )
        sheets = sheet_names(data) if name.lower().endswith((".xlsx", ".xlsm")) else []
        # The first sheet by default; "every sheet" takes each one whose shape is recognised.
        choices = [*sheets, ALL_SHEETS] if len(sheets) > 1 else sheets
        sheet = (
            c2.selectbox(
                _("upload.sheet", lg),
                choices,
                key=UploadKeys.SHEET,
                format_func=lambda v: sheet_choice(v, lg),
            )
            if sheets
            else None
        )
        encoding = (
            c2.selectbox(
                _("upload.encoding", lg),
                ENCODINGS,
                key=UploadKeys.ENCODING,
                format_func=lambda e: (
                    _("upload.encoding.auto", lg) if e == "auto" else encoding_name(e, lg)
                ),
            )
            if not sheets
            else "auto"
        )
        regions = {"": _("upload.none", lg)} | {
            r.code: r.name(lg) for r in catalog.regions.values()
        }
        region = c1.selectbox(
            _("upload.region", lg),
            list(regions),
            key=UploadKeys.REGION,
            format_func=regions.__getitem__,
            help=_("upload.region.help", lg),
        )
        indicators = {"": _("upload.none", lg)} | {
            t.id: t.name(lg) for t in catalog.targets.values() if t.quantitative
        }
        indicator = c2.selectbox(
            _("upload.indicator", lg),
            list(indicators),
            key=UploadKeys.INDICATOR,
            format_func=indicators.__getitem__,
            help=_("upload.indicator.help", lg),
        )
        fractions = st.checkbox(_("upload.fractions", lg), key=UploadKeys.FRACTIONS)
    return Options(
        layout=layout,
        sheet=sheet,
        encoding=None if encoding == "auto" else encoding,
        region=region or None,
        indicator=indicator or None,
        shares_as_fractions=fractions,
    )


def _checked(data: bytes, file_id: str, name: str, options: Options) -> Checked:
    """Parse and validate once per (file, options); reruns reuse the answer."""
    s = store()
    token = (file_id, name, options, s.data_version())
    cached = st.session_state.get(UploadKeys.CHECKED)
    if cached is not None and cached[0] == token:
        return cached[1]
    lg = lang()
    progress = st.empty()

    def keep_going(elapsed: float) -> None:
        # Each update passes through Streamlit, which raises here once the session has
        # ended or the planner changed something: the worker is then stopped.
        progress.caption(_("upload.checking_for", lg, seconds=f"{elapsed:.0f}"))

    with st.spinner(_("upload.checking", lg)):
        checked = check_file_bounded(data, name, snapshot().catalog, options, keep_going=keep_going)
    progress.empty()
    st.session_state[UploadKeys.CHECKED] = (token, checked)
    return checked


FILE_TYPES = ("csv", "txt", "tsv", "xlsx", "xlsm", "xls")


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _uploader_words(lg: Lang, limit_mb: float) -> None:
    """Streamlit words its uploader's button and size line itself, in English and with its
    backstop limit ("Upload", "101MB per file" beside our "up to 50 MB"): both replaced with
    ours in the page's language. The originals are hidden (display: none), so a screen reader
    reads the replacement only."""
    types = _("upload.file.types_sep", lg).join(t.upper() for t in FILE_TYPES)
    note = _("upload.file.note", lg, limit=f"{limit_mb:g}", types=types)
    zone, words = UPLOADER_DROPZONE, UPLOADER_INSTRUCTIONS
    st.html(
        "<style>"
        f"{zone} button {MARKDOWN_CONTAINER} p {{display: none}}"
        f"{zone} button {MARKDOWN_CONTAINER}::after "
        f"{{content: {_css_string(_('upload.file.button', lg))}}}"
        f"{words} span {{display: none}}"
        f"{words} > div::after {{content: {_css_string(note)}; font-size: 0.875rem; opacity: 0.7}}"
        "</style>"
    )


def render() -> None:
    lg = lang()
    st.title(_("upload.title", lg))
    st.caption(_("upload.intro", lg))
    _templates(lg)
    account = require_planner(lg)
    if account is None:
        return
    show_stored(lg, st.session_state.pop(UploadKeys.DONE, None), "upload.stored")
    limit_mb = max_upload_bytes() / 1024 / 1024
    round_ = st.session_state.get(UploadKeys.ROUND, 0)
    _uploader_words(lg, limit_mb)
    file = st.file_uploader(
        _("upload.file", lg, limit=f"{limit_mb:g}"),
        type=list(FILE_TYPES),
        key=f"{UploadKeys.FILE}.{round_}",
        # Our own limit speaks the planner's language; Streamlit's is a
        # backstop for files far too large to read at all.
        max_upload_size=upload_backstop_mb(),
    )
    # Copied cells arrive as tab-separated text: read as a .tsv file, through the same path.
    pasted = st.text_area(
        _("upload.paste", lg),
        key=f"{UploadKeys.PASTE}.{round_}",
        help=_("upload.paste.help", lg),
        height=120,
    )
    # Files no uploader holds (one replaced, a preview committed or left) are freed now.
    upload_guard.release([file.file_id] if file is not None else [])
    if file is not None:
        data, file_id, name = file.getvalue(), file.file_id, file.name
    elif pasted.strip():
        data = pasted.encode("utf-8")
        name = _("upload.paste.name", lg)
        file_id = f"paste:{hashlib.sha256(data).hexdigest()}"
    else:
        return
    options = _options(lg, data, name)
    checked = _checked(data, file_id, name, options)
    # A provincial planner writes its own regions only.
    checked = outside_scope(checked, account, snapshot().catalog, lg)
    summary = read_summary(checked, lg)
    if summary:
        st.info(_("upload.read_as", lg, summary=summary))
    _how_read(lg, checked)
    if not checked.ok:
        show_problems(lg, checked, "upload.rejected")
        return
    _preview_and_commit(lg, checked, account.name)


def _how_read(lg: Lang, checked: Checked) -> None:
    """Which row is the header, what was set aside and which unit applies: before committing."""
    lines = read_details(checked, snapshot().catalog, lg)
    if not lines:
        return
    with st.container(border=True):
        st.markdown(f"**{_('ingest.read.title', lg)}**")
        st.markdown("\n".join(f"- {line}" for line in lines))
        ignored = ignored_table(checked, lg)
        if not ignored.empty:
            st.dataframe(ignored, hide_index=True, width="stretch")


def _preview_and_commit(lg: Lang, checked: Checked, user: str) -> None:
    up = preview_and_commit(
        lg,
        checked,
        user,
        CommitKeys(
            note=UploadKeys.NOTE,
            commit=UploadKeys.COMMIT,
            again=UploadKeys.AGAIN,
            confirm="upload.confirm",
        ),
    )
    if up is None:
        return
    st.session_state[UploadKeys.DONE] = up
    st.session_state.pop(UploadKeys.CHECKED, None)
    st.session_state.pop(f"{UploadKeys.PASTE}.{st.session_state.get(UploadKeys.ROUND, 0)}", None)
    st.session_state[UploadKeys.ROUND] = st.session_state.get(UploadKeys.ROUND, 0) + 1
    st.rerun()


render()
