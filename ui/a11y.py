"""What the page says to a screen reader and a keyboard, where Streamlit gives no setting.

One zero-height component in the sidebar runs this in the page: the document's language,
Streamlit's own English words (table toolbar, heading links, "Help for …") in the page's
language, each chart container an image named by its title and its summary sentence (which
carries the verdict), a visible focus ring on the navigation links, captions dark enough to
read (AA), the navigation's lists as lists, and the component's own frame left out of the
tab order. A MutationObserver keeps it so as Streamlit redraws.
"""

from __future__ import annotations

import json

from indicators.base.i18n import Lang, _
from ui.streamlit_private import (
    CAPTION,
    ELEMENT_CONTAINER,
    PAGE_LINK,
    PLOTLY_CHART,
    SIDEBAR_NAV,
    SIDEBAR_NAV_ITEMS,
    SKIP_TO_CONTENT,
    UPLOADER,
)

# Streamlit's English (streamlit/static, 1.5x) -> our label key.
STREAMLIT_WORDS = {
    "Link to heading": "st.link_to_heading",
    "Show/hide columns": "st.show_hide_columns",
    "Download as CSV": "st.download_csv",
    "Search": "st.search",
    "Fullscreen": "st.fullscreen",
    "Close fullscreen": "st.close_fullscreen",
    "Skip to main content": "app.skip_to_content",
    "Error: ": "st.error_prefix",
}

FOCUS_CSS = (
    f"{SIDEBAR_NAV} a:focus-visible"
    " { outline: 3px solid #1f2d3d; outline-offset: 2px; border-radius: 4px; }"
    # Streamlit's caption grey (#828180 at 60 %) is 2.5:1 on white; this one 5.6:1 (AA).
    f" {CAPTION}, {CAPTION} p"
    " { color: #5b6b7b !important; opacity: 1 !important; }"
    # A link named by where it leads ("Open domain page: Scale and spill-over of …") wraps
    # in a narrow card instead of being cut mid-word.
    f" {PAGE_LINK} a, {PAGE_LINK} p, {PAGE_LINK} span"
    " { white-space: normal !important; overflow: visible !important;"
    " text-overflow: clip !important; height: auto !important; }"
)

_SCRIPT = r"""<script>
const w = window.parent, d = w.document;
d.documentElement.lang = %(html_lang)s;
w.__indWords = %(words)s; w.__indHelp = %(help)s; w.__indTooLarge = %(too_large)s;
const f = window.frameElement;
if (f) { f.tabIndex = -1; f.setAttribute("aria-hidden", "true"); f.title = %(frame)s; }
if (!d.getElementById("ind-focus")) {
  const s = d.createElement("style"); s.id = "ind-focus"; s.textContent = %(css)s;
  d.head.appendChild(s);
}
function chartLabel(box) {
  const parts = [];
  let el = box.closest(%(element)s);
  for (let i = 0; el && i < 3; i++) {
    el = el.previousElementSibling;
    if (!el) break;
    const h = el.querySelector('[role="heading"]');
    const c = el.querySelector(%(caption)s);
    if (c) parts.unshift(c.textContent.trim());
    if (h) { parts.unshift(h.textContent.trim()); break; }
  }
  if (parts.length < 2) {
    // No summary sentence (the completion chart): its legend names the verdicts shown.
    const keys = [...box.querySelectorAll(".legendtext")].map(t => t.textContent.trim());
    if (keys.length) parts.push(keys.join(", "));
  }
  return parts.join(". ");
}
function mend() {
  const words = w.__indWords || {};
  for (const e of d.querySelectorAll("[aria-label], [title]")) {
    for (const a of ["aria-label", "title"]) {
      const v = e.getAttribute(a);
      if (v === null) continue;
      if (words[v] !== undefined && words[v] !== v) e.setAttribute(a, words[v]);
      else if (v.startsWith("Help for "))
        e.setAttribute(a, w.__indHelp.replace("{label}", v.slice(9)));
    }
  }
  // The navigation's sections put <li> in a <div> inside its <ul>: say what is a list.
  const nav = d.querySelector(%(nav_items)s);
  if (nav && nav.getAttribute("role") !== "none") {
    nav.setAttribute("role", "none");
    for (const li of nav.querySelectorAll("li"))
      if (li.parentElement.tagName !== "UL") li.parentElement.setAttribute("role", "list");
  }
  const skip = d.querySelector(%(skip)s);
  if (skip && words["Skip to main content"]) skip.textContent = words["Skip to main content"];
  // A file over Streamlit's own size limit is refused in the browser in English.
  // Its words live in a tooltip on the file's icon and a screen-reader alert ("Error: …"):
  // reworded, and shown below the uploader too, so the planner reads why without hovering.
  for (const up of d.querySelectorAll(%(uploader)s)) {
    let said = "";
    const walker = d.createTreeWalker(up, 4);  // NodeFilter.SHOW_TEXT
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement && n.parentElement.classList.contains("ind-too-large")) continue;
      const m = /^File must be (.+) or smaller\.$/.exec(n.nodeValue.trim());
      if (m) n.nodeValue = w.__indTooLarge.replace("{size}", m[1]);
      else if (n.nodeValue === "Error: ") n.nodeValue = w.__indWords["Error: "];
      if (m || n.nodeValue.startsWith(w.__indTooLarge.split("{size}")[0])) said = n.nodeValue;
    }
    let note = up.querySelector(".ind-too-large");
    if (said && !note) {
      note = d.createElement("p"); note.className = "ind-too-large";
      // Streamlit's own alert already reads it out: this copy is for the eye only.
      note.setAttribute("aria-hidden", "true"); note.style.color = "#b42318";
      up.appendChild(note);
    }
    if (note && note.textContent !== said) {
      if (said) note.textContent = said; else note.remove();
    }
  }
  for (const box of d.querySelectorAll(%(chart)s)) {
    const label = chartLabel(box);
    if (label && box.getAttribute("aria-label") !== label) {
      box.setAttribute("role", "img"); box.setAttribute("aria-label", label);
    }
  }
}
mend();
if (!w.__indObserver) {
  let queued = false;
  w.__indObserver = new w.MutationObserver(() => {
    if (!queued) { queued = true; w.requestAnimationFrame(() => { queued = false; mend(); }); }
  });
  w.__indObserver.observe(d.body, {subtree: true, childList: true, attributes: true,
    attributeFilter: ["aria-label", "title"]});
}
</script>"""


def page_script(lang: Lang) -> str:
    words = {en: _(key, lang) for en, key in STREAMLIT_WORDS.items()}
    return _SCRIPT % {
        "html_lang": json.dumps("zh-CN" if lang == "zh" else "en"),
        "words": json.dumps(words, ensure_ascii=False),
        "help": json.dumps(_("st.help_for", lang), ensure_ascii=False),
        "frame": json.dumps(_("st.frame", lang), ensure_ascii=False),
        "css": json.dumps(FOCUS_CSS),
        "skip": json.dumps(SKIP_TO_CONTENT),
        "element": json.dumps(ELEMENT_CONTAINER),
        "caption": json.dumps(CAPTION),
        "nav_items": json.dumps(SIDEBAR_NAV_ITEMS),
        "chart": json.dumps(PLOTLY_CHART),
        "too_large": json.dumps(_("st.file_too_large", lang), ensure_ascii=False),
        "uploader": json.dumps(UPLOADER),
    }
