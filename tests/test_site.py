"""The public static site (`publish-site`): links, HTML, open data against `status --json`,
the data package, atomic rebuilds and the rebuild after an approval.

The site is built once per session (about 5 s) from the shipped database, as known on
AS_OF; tests that change the store build their own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import frictionless
import pandas as pd
import pytest

from indicators.base.catalog import NATIONAL
from indicators.base.i18n import _
from indicators.commands.cli import main
from indicators.domain.auth import Accounts
from indicators.domain.snapshot import load_snapshot
from indicators.present.cards import target_card
from indicators.site import SiteError, SiteOptions, build_site
from indicators.site import build as site_build
from indicators.site import pages as site_pages
from indicators.site.opendata import target_json
from indicators.store import Store
from tests.conftest import AS_OF
from tests.support import ACTUAL_COLUMNS, browser_page, free_port, screenshot

BASE_URL = "https://example.gov.cn/tracker"
APP_URL = "https://app.example.gov.cn/"


@pytest.fixture(scope="session")
def site_db(_built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sitedb") / "indicators.duckdb"
    shutil.copy(_built_db, path)
    # Provincial figures (the shipped data have none), so regions are compared too.
    rows = [
        dict.fromkeys(ACTUAL_COLUMNS)
        | {
            "indicator_id": "fibre_village_share",
            "region_code": code,
            "period": period,
            "t": float(period),
            "value": value,
            "unit": "%",
            "source": "省通信管理局",
        }
        for code, period, value in (
            ("440000", "2018", 96.0),
            ("440000", "2020", 99.5),
            ("450000", "2018", 90.0),
            ("450000", "2020", 95.1),
            ("110000", "2020", 100.0),
        )
    ]
    Store(path).write_actuals(
        pd.DataFrame(rows), kind="file", user="gd", file_name="gd.csv", review=False
    )
    return path


@pytest.fixture(scope="session")
def site(site_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built as cron or an operator would: the command, with the app's address configured."""
    out = tmp_path_factory.mktemp("site") / "public"
    argv = ["publish-site", str(out), "--as-of", str(AS_OF), "--base-url", BASE_URL]
    with pytest.MonkeyPatch.context() as m:
        m.setenv("INDICATORS_APP_URL", APP_URL)
        assert main([*argv, "--db", str(site_db)]) == 0
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- HTML: a strict well-formedness check ---------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class StrictHTML(HTMLParser):
    """html5lib is not installed: a strict check with the standard parser instead. Every
    non-void element is closed, in order; no end tag for a void element or without a start;
    ids unique; the doctype first; <html lang>; headings never skip a level. Inside SVG
    (foreign content) an element may close itself, as HTML5 allows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.doctype = False
        self.started = False
        self.headings: list[int] = []
        self.lang: str | None = None

    def handle_decl(self, decl: str) -> None:
        if self.started:
            self.errors.append("doctype after content")
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.started = True
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if a.get("id"):
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(str(a["id"]))
        for name in ("href", "src"):
            if a.get(name):
                self.links.append((tag, str(a[name])))
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and "svg" not in self.stack:  # foreign (SVG) elements may
            self.errors.append(f"self-closing <{tag}/>")
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag for void <{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close {self.stack[-1:] or 'anything'}")
        else:
            self.stack.pop()


def _parse(path: Path) -> StrictHTML:
    p = StrictHTML()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def test_every_page_is_well_formed_html5_with_a_language_and_headings_in_order(site: Path):
    pages = _pages(site)
    assert len(pages) > 90  # both languages: overview, 24 domains, 18 targets, ...
    for page in pages:
        p = _parse(page)
        assert p.doctype, page
        assert not p.errors, (page, p.errors[:5])
        assert not p.stack, (page, p.stack)
        assert p.lang in ("zh-Hans", "en"), page
        assert p.headings.count(1) == 1, page
        for before, after in zip(p.headings, p.headings[1:], strict=False):
            assert after <= before + 1, (page, p.headings)


def test_every_internal_link_and_asset_resolves_and_nothing_comes_from_elsewhere(site: Path):
    for page in _pages(site):
        p = _parse(page)
        for tag, link in p.links:
            if link.startswith(BASE_URL):
                target = site / link[len(BASE_URL) :].lstrip("/")
            elif link == APP_URL or (tag == "a" and link.startswith("https://")):
                assert tag == "a", (page, link)  # a link to follow, never a loaded asset
                continue
            else:
                parts = urlsplit(link)
                assert not parts.scheme and not parts.netloc, (page, link)
                if not parts.path:
                    assert parts.fragment in p.ids, (page, link)
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page, link)
            assert site.resolve() in target.resolve().parents, (page, link)


def test_pages_switch_language_to_the_same_page_and_name_each_other_with_hreflang(site: Path):
    for page in (site / "zh").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        name = page.name
        assert f'<a class="lang" href="../en/{name}" hreflang="en" lang="en">English</a>' in html
        for lang, tag in (("zh", "zh-Hans"), ("en", "en")):
            assert f'hreflang="{tag}" href="{BASE_URL}/{lang}/{name}"' in html
        assert (site / "en" / name).is_file()
    assert "<script src=" not in (site / "zh" / "index.html").read_text(encoding="utf-8")
    assert (site / "assets" / "plotly.min.js").stat().st_size > 3_000_000


def test_every_page_says_as_known_on_the_date_and_links_to_the_app(site: Path):
    words = {"zh": f"按 {AS_OF} 当日所知", "en": f"As known on {AS_OF}"}
    for lang in ("zh", "en"):
        for page in (site / lang).glob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert words[lang] in html, page
            assert f'href="{APP_URL}"' in html, page


def test_target_pages_write_the_apps_card_as_text_and_every_chart_has_its_numbers(
    site: Path, site_db: Path
):
    snap = load_snapshot(Store(site_db), as_of=AS_OF)
    checked = 0
    for t in snap.catalog.targets.values():
        if not t.quantitative:
            continue
        for lang in ("zh", "en"):
            html = (site / lang / f"target-{t.id}.html").read_text(encoding="utf-8")
            c = target_card(snap, t.id, lang)
            for text in (c.status_label, c.value, c.target, c.pct_achieved):
                assert _escaped(text) in html, (t.id, lang, text)
            if c.detail:
                assert _escaped(c.detail) in html
            # No JavaScript: each plot's numbers are in a table under it.
            assert html.count('class="plot"') == html.count('class="chart-data"')
            checked += 1
    assert checked == 14


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def _versions(store: Store, snap) -> pd.DataFrame:
    return store.published_versions(list(snap.catalog.targets), [NATIONAL])


def test_a_planners_note_with_markup_is_shown_as_text(store: Store):
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": NATIONAL,
        "period": "2022",
        "t": 2022.0,
        "value": 7.3,
        "unit": "万亿元",
        "source": "<script>alert(1)</script>",
        "note": '<img src=x onerror="alert(2)">',
    }
    store.write_actuals(
        pd.DataFrame([row]), kind="file", user="nat", file_name="x.csv", review=False
    )
    snap = load_snapshot(store, as_of=AS_OF)
    t = snap.catalog.targets["info_consumption_scale"]
    page = site_pages.target(snap, t, "en", _versions(store, snap))
    html = site_build.page_html(snap, page, "en", SiteOptions(), "")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The chart's JSON cannot close its <script> element either.
    assert "</script>alert" not in html
    data = target_json(snap, t, None, _versions(store, snap))
    figure = next(f for f in data["figures"] if f["period"] == "2022")
    assert (figure["value"], figure["note"]) == (7.3, row["note"])


def test_a_revised_figure_keeps_its_earlier_published_value_in_view_and_in_the_data(
    store: Store,
):
    row = dict.fromkeys(ACTUAL_COLUMNS) | {
        "indicator_id": "info_consumption_scale",
        "region_code": NATIONAL,
        "period": "2021",
        "t": 2021.0,
        "value": 6.9,
        "unit": "万亿元",
        "source": "revised",
    }
    up = store.write_actuals(
        pd.DataFrame([row]), kind="file", user="nat", file_name="r.csv", review=False
    )
    snap = load_snapshot(store, as_of=AS_OF)
    t = snap.catalog.targets["info_consumption_scale"]
    versions = _versions(store, snap)
    html = site_build.page_html(
        snap, site_pages.target(snap, t, "en", versions), "en", SiteOptions(), ""
    )
    assert f"upload #{up.id} (stored {up.created_at:%Y-%m-%d}); earlier 6.8 (upload #1)" in html
    data = target_json(snap, t, None, versions)
    y2021 = [
        (v["value"], v["upload_id"], v["current"])
        for v in data["vintages"]
        if v["period"] == "2021"
    ]
    assert y2021 == [(6.8, 1, False), (6.9, up.id, True)]
    assert [f["value"] for f in data["figures"] if f["period"] == "2021"] == [6.9]


# --- open data -------------------------------------------------------------------------------


def _status_json(db: Path, region: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    argv = ["status", "--json", "--db", str(db), "--region", region, "--as-of", str(AS_OF)]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


COMPARED = ("status", "verdict", "shortfall", "latest_value", "latest_period", "pct_achieved")


def test_each_targets_json_says_what_status_json_says_for_every_region(
    site: Path, site_db: Path, catalog, capsys: pytest.CaptureFixture[str]
):
    regions = [NATIONAL, *(r.code for r in catalog.provinces)]
    cli = {r: {row["id"]: row for row in _status_json(site_db, r, capsys)} for r in regions}
    compared = 0
    for t in catalog.targets.values():
        data = json.loads((site / f"data/targets/{t.id}.json").read_text(encoding="utf-8"))
        assert data["as_known_on"] == str(AS_OF)
        if not t.quantitative:
            assert data["status"] == []
            continue
        shown = {s["region_code"]: s for s in data["status"]}
        assert NATIONAL in shown
        for region in regions:
            expected = cli[region][t.id]
            if region not in shown:
                # No figure for this province: the site lists none, `status` has none.
                assert expected["latest_value"] is None, (t.id, region)
                continue
            for key in COMPARED:
                assert shown[region][key] == expected[key], (t.id, region, key)
            compared += 1
    assert compared == 7 + 3  # every quantitative target nationally, and three provinces


def test_each_targets_csv_holds_the_figures_of_its_json(site: Path, catalog):
    for t in catalog.targets.values():
        data = json.loads((site / f"data/targets/{t.id}.json").read_text(encoding="utf-8"))
        csv = pd.read_csv(site / f"data/targets/{t.id}.csv", dtype={"region_code": str})
        assert len(csv) == len(data["figures"])
        if len(csv):
            assert list(csv["value"]) == pytest.approx([f["value"] for f in data["figures"]])
            assert list(csv["period"].astype(str)) == [f["period"] for f in data["figures"]]


def test_the_catalog_files_hold_every_target_with_its_clause_and_quote(site: Path, catalog):
    targets = json.loads((site / "data/catalog/targets.json").read_text(encoding="utf-8"))
    assert {t["id"] for t in targets} == set(catalog.targets)
    scale = next(t for t in targets if t["id"] == "info_consumption_scale")
    assert scale["clause"] == catalog.targets["info_consumption_scale"].clause
    assert "6萬億元" in scale["quote"]
    assert "6万亿元" in scale["quote_zh"]
    tasks = pd.read_csv(site / "data/catalog/tasks.csv")
    assert len(tasks) == len(catalog.tasks)
    assert tasks["lead_departments"].notna().any()


def test_the_data_package_describes_every_csv_and_validates(site: Path):
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert paths == {str(p.relative_to(site)) for p in site.rglob("*.csv")}
    report = frictionless.validate(str(site / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


# --- building and rebuilding ---------------------------------------------------------------


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_a_failed_build_leaves_the_previous_site_untouched(
    site: Path, site_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "public"
    shutil.copytree(site, out)
    before = _tree(out)

    def broken(*args: object) -> object:
        raise RuntimeError("a builder failed")

    with monkeypatch.context() as m:  # fails while the pages are worked out
        m.setattr(site_pages, "overview", broken)
        with pytest.raises(RuntimeError, match="a builder failed"):
            build_site(Store(site_db), out, SiteOptions())
    with monkeypatch.context() as m:  # fails half-way through writing the new folder
        m.setattr(site_build, "PLOTLY_JS", tmp_path / "missing.js")
        with pytest.raises(FileNotFoundError):
            site_build.publish({"zh/index.html": b"new", "en/index.html": b"new"}, out)
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.lock", "public"]


def test_a_rebuild_swaps_the_whole_site_while_readers_always_find_one(
    site: Path, site_db: Path, tmp_path: Path
):
    out = tmp_path / "public"
    shutil.copytree(site, out)  # built as known on AS_OF
    (tmp_path / ".public.new-killed").mkdir()  # what a build killed half-way leaves
    missing: list[str] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            for rel in ("zh/index.html", "assets/plotly.min.js", "datapackage.json"):
                if not (out / rel).is_file():
                    missing.append(rel)
            time.sleep(0.0005)  # leave the build most of the interpreter

    watcher = threading.Thread(target=reader)
    watcher.start()
    try:
        build_site(Store(site_db), out, SiteOptions())  # now without an as-of date
    finally:
        done.set()
        watcher.join()
    assert missing == []
    assert "As known on" not in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public.")] == [".public.lock"]


def test_publish_site_refuses_a_folder_it_did_not_write(
    site_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.txt").write_text("keep me")
    assert main(["publish-site", str(home), "--db", str(site_db)]) == 1
    assert "refusing to replace it" in capsys.readouterr().err
    assert (home / "thesis.txt").read_text() == "keep me"
    with pytest.raises(SiteError):
        site_build.check_replaceable(home)


def test_approving_an_upload_rebuilds_the_configured_site(
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    out = tmp_path / "public"
    monkeypatch.setenv("INDICATORS_SITE_DIR", str(out))
    accounts = Accounts(store)
    accounts.add("nat", "long enough")
    accounts.add("rev", "long enough", role="reviewer")
    csv = tmp_path / "in.csv"
    csv.write_text("指标,地区,时期,数值\n信息消费规模,全国,2022,7.3\n", encoding="utf-8")
    assert main(["ingest", str(csv), "--user", "nat", "--db", store.location]) == 0
    assert not out.exists()  # submitted, not published: nothing for the public yet
    upload_id = store.submitted_uploads()[0].id
    assert main(["review", "approve", str(upload_id), "--user", "rev", "--db", store.location]) == 0
    assert "public site rebuilt" in capsys.readouterr().out
    data = json.loads((out / "data/targets/info_consumption_scale.json").read_text())
    national = next(s for s in data["status"] if s["region_code"] == NATIONAL)
    assert (national["latest_period"], national["latest_value"]) == ("2022", 7.3)
    assert _("views.card.latest", "en", period="2022") in (out / "en/index.html").read_text()


def test_approving_in_the_app_rebuilds_the_site_without_making_the_reviewer_wait(
    store: Store, tmp_path: Path, dashboard, monkeypatch: pytest.MonkeyPatch
):
    from indicators.domain.auth import Session
    from tests.support import nat_uploads_2022_scale
    from tests.test_views_pages import open_page, start
    from ui.auth_ui import AuthKeys

    out = tmp_path / "public"
    monkeypatch.setenv("INDICATORS_SITE_DIR", str(out))
    accounts = Accounts(store)
    accounts.add("nat", "long enough")
    accounts.add("rev", "long enough", role="reviewer")
    up = nat_uploads_2022_scale(store)
    reviewer = start(dashboard, store.path)
    now = time.time()
    reviewer.session_state[AuthKeys.SESSION] = Session("rev", now, now, "t")
    open_page(reviewer, "review")
    reviewer.button(key="review.approve").click().run()
    assert not reviewer.exception
    assert store.upload(up.id).state == "published"
    deadline = time.time() + 120  # built in the background: the page did not wait for it
    while not (out / "datapackage.json").exists() and time.time() < deadline:
        time.sleep(0.2)
    data = json.loads((out / "data/targets/info_consumption_scale.json").read_text())
    national = next(s for s in data["status"] if s["region_code"] == NATIONAL)
    assert (national["latest_period"], national["latest_value"]) == ("2022", 7.3)


def test_a_task_status_set_in_the_app_reaches_the_public_tasks_page(
    store: Store, tmp_path: Path, dashboard, monkeypatch: pytest.MonkeyPatch
):
    from indicators.domain.auth import Session
    from tests.test_views_pages import open_page, start
    from ui.auth_ui import AuthKeys

    out = tmp_path / "public"
    monkeypatch.setenv("INDICATORS_SITE_DIR", str(out))
    Accounts(store).add("wangming", "long enough")
    at = start(dashboard, store.path, lang="en")
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session("wangming", now, now)
    open_page(at, "task-list")
    at.radio(key="views.status.status").set_value("done")
    at.text_area(key="views.status.evidence").set_value("MIIT notice 2020-05")
    at.button(key="views.status.submit").click().run()
    assert not at.exception
    deadline = time.time() + 120  # built in the background
    while not (out / "en" / "tasks.html").exists() and time.time() < deadline:
        time.sleep(0.2)
    html = (out / "en" / "tasks.html").read_text(encoding="utf-8")
    assert "MIIT notice 2020-05" in html
    assert "wangming" not in html  # who set it is an account name: not public


def test_the_app_links_to_the_public_site_in_the_readers_language(
    store: Store, dashboard, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("INDICATORS_SITE_URL", "https://site.example.gov.cn/")
    at = dashboard(store.path, lang="en")
    links = [m.value for m in at.sidebar.markdown]
    assert (
        "[Public site (static pages and open data)](https://site.example.gov.cn/en/index.html)"
        in links
    )


# --- in the browser: accessibility, drawn charts, screenshots ------------------------------


@pytest.fixture(scope="module")
def served(site: Path):
    """The session's site behind `python -m http.server`, as a reader would get it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import urllib.request

        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


SERIOUS = ("serious", "critical")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page_name", ["index", "target-info_consumption_scale"])
def test_axe_finds_no_serious_violation_and_the_charts_draw(served: str, lang: str, page_name: str):
    from axe_playwright_python.sync_playwright import Axe

    for width in (1440, 390):
        with browser_page(width, 900) as page:
            page.goto(f"{served}/{lang}/{page_name}.html")
            page.wait_for_selector(".js-plotly-plot .main-svg")
            drawn = page.locator(".js-plotly-plot").count()
            assert drawn == page.locator(".plot").count()
            if width == 1440:
                results = Axe().run(page)
                bad = [
                    (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                    for v in results.response["violations"]
                    if v["impact"] in SERIOUS
                ]
                assert bad == [], bad
            screenshot(page, f"site-{page_name}-{lang}-{width}")


@pytest.mark.browser
def test_the_overview_reads_without_javascript(served: str):
    from playwright.sync_api import sync_playwright

    from tests.support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(f"{served}/en/index.html")
            text = page.inner_text("main")
            page.click("details.chart-data summary")  # the chart's numbers, one click away
            table = page.inner_text("details.chart-data table")
        finally:
            browser.close()
    assert "6.8 trillion yuan" in text  # the headline card
    assert "Met late" in text
    assert "113" in table  # the %-achieved bar of the scale target
