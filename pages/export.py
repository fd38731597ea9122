"""The briefing-pack page: language, format, one button, then the download."""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from indicators.base.i18n import LANGS, Lang, _
from indicators.domain.snapshot import Snapshot
from indicators.export.pack import PACK_FORMATS, PACK_MIME, PackFormat, build_pack
from ui.common import data_key, lang, snapshot


class PackKeys:
    LANG = "pack.lang"
    FORMAT = "pack.format"
    BUILD = "pack.build"
    RESULT = "pack.result"  # (request, bytes, seconds): kept until the request changes
    DOWNLOAD = "pack.download"


@st.cache_data(show_spinner=False, max_entries=4)
def _pack(
    _snap: Snapshot,
    data_key: tuple[str, int, date, int | None],
    pack_lang: Lang,
    fmt: PackFormat,
) -> bytes:
    # Keyed on what the pack is drawn from, the snapshot's key (store, data version, the day
    # its verdicts and cover date are judged on, the previewed upload: an official is never
    # handed a preview's pack), and the language and format; not on the snapshot object.
    return build_pack(_snap, pack_lang, fmt, today=data_key[2])


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def render() -> None:
    lg = lang()
    snap = snapshot()
    st.title(_("pack.page_title", lg))
    st.caption(_("pack.intro", lg))
    # What the pack's cover and every footer will say, before it is built.
    st.caption(snap.as_of_line(lg, clock=False))
    c1, c2 = st.columns(2)
    pack_lang = c1.radio(
        _("pack.lang", lg),
        LANGS,
        index=LANGS.index(lg),
        horizontal=True,
        format_func=lambda c: {"zh": "中文", "en": "English"}[c],
        key=PackKeys.LANG,
    )
    fmt = c2.radio(
        _("pack.format", lg),
        PACK_FORMATS,
        horizontal=True,
        format_func=lambda f: _(f"pack.format.{f}", lg),
        key=PackKeys.FORMAT,
    )
    request = (data_key(), pack_lang, fmt)
    if st.button(
        _("pack.button", lg), type="primary", key=PackKeys.BUILD, icon=":material/picture_as_pdf:"
    ):
        with st.spinner(_("pack.building", lg)):
            started = time.perf_counter()
            data = _pack(snap, *request)
            st.session_state[PackKeys.RESULT] = (request, data, time.perf_counter() - started)
    result = st.session_state.get(PackKeys.RESULT)
    if result and result[0] == request:
        _req, data, seconds = result
        st.success(_("pack.built", lg, size=_size(len(data)), seconds=seconds))
        st.download_button(
            _("pack.download", lg),
            data=data,
            mime=PACK_MIME[fmt],
            type="primary",
            file_name=f"briefing-pack-{pack_lang}-{snap.as_of.isoformat()}.{fmt}",
            key=PackKeys.DOWNLOAD,
            on_click="ignore",
            icon=":material/download:",
        )


render()
