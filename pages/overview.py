"""Home page: a card per headline target, then every target in a sortable table."""

from __future__ import annotations

import streamlit as st

from indicators.base.escape import for_markdown
from indicators.base.i18n import Lang, _
from indicators.present.cards import Card, headline_cards, verdict_summary
from indicators.present.charts import pct_achieved_bar, sparkline_svg, status_legend
from indicators.present.tables import status_cell_styles, targets_table
from pages import views_nav
from ui.chart_view import show_chart
from ui.common import as_of_line, chip, derived, lang, readable, snapshot
from ui.downloads import table_downloads

CARDS_PER_ROW = 4
# The verdict list is for narrow screens only: wider, the cards sit side by side and
# already show every status word on the first screen.
PHONE_ONLY = "<style>@media (min-width: 700px) { .st-key-verdict-list { display: none; } }</style>"


def legend(lg: Lang, statuses: list[str]) -> None:
    chips = " \u00a0 ".join(chip(c, label) for _s, label, c in status_legend(lg, statuses))
    st.markdown(f"**{_('views.legend', lg)}:** {chips}")
    st.caption(_("views.legend.note", lg))


def card(c: Card, lg: Lang) -> None:
    with st.container(border=True, height="stretch"):
        # Markdown and a heading only, no HTML: the card's text then paints with the page's
        # title instead of waiting for the HTML renderer (see ui/common.chip).
        st.markdown(f"**{c.name}**")
        st.subheader(f"{c.value} {c.arrow}".strip(), anchor=False)
        if c.caption or c.arrow_label:
            st.caption(for_markdown(" · ".join(x for x in (c.caption, c.arrow_label) if x)))
        lines = [_("views.card.target", lg, target=c.target)]
        if c.has_data:
            # escaped: ">101% achieved" would otherwise start a Markdown quote
            pct = _("views.card.pct", lg, pct=c.pct_achieved) if c.pct_achieved != "–" else "–"
            lines.append(for_markdown(" · ".join(x for x in (pct, c.gap) if x != "–")))
        lines.append(chip(c.colour, c.status_label))
        st.markdown("  \n".join(lines))
        if c.detail:  # worked-out text that may start with ">" (">98% in 2019-08"): escaped
            st.caption(for_markdown(c.detail))
        if c.derivation:  # a derived figure says so, with its formula and inputs
            st.caption(for_markdown(c.derivation))
        if c.pending:  # a preview: this card's figure is not published yet
            st.markdown(f":red[**{c.pending}**]")
        if c.has_data:
            # Inline SVG, not a plotly chart: the cards paint before plotly.js loads.
            st.markdown(derived(sparkline_svg, c.target_id, lg), unsafe_allow_html=True)
        page = views_nav.domain_page(c.domain_id)
        if page is not None:
            st.page_link(
                page,
                # Named by where it leads: seven links all called "open domain page" tell a
                # screen reader's link list nothing.
                label=_(
                    "views.overview.open_domain_named",
                    lg,
                    domain=snapshot().catalog.domains[c.domain_id].name(lg),
                ),
                icon=":material/arrow_forward:",
                query_params={"lang": lg},
            )


# What the overview draws first from the snapshot, per language: worked out while the server
# starts (serve.py), so the first visitor's cards do not wait for them.
FIRST_DRAWN = (headline_cards, targets_table, pct_achieved_bar)


def render() -> None:
    lg = lang()
    snap = snapshot()
    st.title(_("app.title", lg))
    st.caption(_("app.subtitle", lg))
    st.caption(as_of_line(lg))

    cards = derived(headline_cards, lg)
    # Every headline verdict on the first screen of a phone, where one card fills it: the
    # counts, then each target's status word (on a wide screen the cards show both at once).
    st.markdown(f"**{verdict_summary(cards, lg)}**")
    st.html(PHONE_ONLY)
    with st.container(key="verdict-list"):
        st.markdown(
            "\n".join(
                "- "
                + _(
                    "views.overview.verdict_item",
                    lg,
                    name=for_markdown(c.name),
                    status=chip(c.colour, c.status_label),
                )
                for c in cards
            )
        )
    st.subheader(_("views.overview.headline", lg))
    for start in range(0, len(cards), CARDS_PER_ROW):
        for col, c in zip(
            st.columns(CARDS_PER_ROW), cards[start : start + CARDS_PER_ROW], strict=False
        ):
            with col:
                card(c, lg)
    legend(lg, [c.status for c in cards])

    st.subheader(_("overview.targets", lg))
    table = derived(targets_table, lg)
    shown = readable(table, [_("col.pct_achieved", lg), _("col.gap", lg)])
    shown = shown.assign(
        **{
            _("views.col.domain_page", lg): [
                views_nav.domain_url(snap.catalog.targets[t].domain_id, lg) for t in table["id"]
            ]
        }
    )
    styles = status_cell_styles(lg)
    status_col = _("col.status", lg)
    first = [
        _(k, lg)
        for k in (
            "col.target",
            "views.col.domain_page",
            "col.status",
            "col.latest",
            "col.period",
            "col.target_value",
            "col.unit",
            "col.target_year",
            "col.pct_achieved",
            "col.gap",
            "col.detail",
        )
    ]
    order = first + [c for c in shown.columns if c not in first and c != "id"]
    st.dataframe(
        shown.style.map(lambda v: styles.get(v, ""), subset=[status_col]),
        hide_index=True,
        width="stretch",
        column_order=order,
        column_config={
            _("views.col.domain_page", lg): st.column_config.LinkColumn(
                display_text=_("views.overview.open_domain", lg)
            ),
            _("col.target", lg): st.column_config.TextColumn(pinned=True),
            _("col.gap", lg): st.column_config.Column(help=_("views.col.gap_help", lg)),
        },
    )
    table_downloads(table.drop(columns=["id"]), "targets", lg)

    st.subheader(_("views.overview.chart", lg))
    show_chart(derived(pct_achieved_bar, lg), "pct-achieved", lg)
    st.page_link(
        "pages/method.py",
        label=_("views.link_method", lg),
        icon=":material/functions:",
        query_params={"lang": lg},
    )


# Streamlit runs a page file as __main__; the registry's alias of this page imports it.
if __name__ == "__main__":
    render()
