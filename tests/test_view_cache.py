"""What a page derives from a shared figure is worked out once, for every session."""

from __future__ import annotations

import gc

import plotly.graph_objects as go

from ui import common
from ui.common import memo_on


def test_memo_on_computes_once_per_object_and_what_is_asked():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    calls: list[str] = []

    def compute(tag: str) -> str:
        calls.append(tag)
        return f"{tag}-value"

    assert memo_on(fig, "json", lambda: compute("json")) == "json-value"
    assert memo_on(fig, "json", lambda: compute("json")) == "json-value"
    assert memo_on(fig, ("data", "en"), lambda: compute("en")) == "en-value"
    assert memo_on(fig, ("data", "zh"), lambda: compute("zh")) == "zh-value"
    assert calls == ["json", "en", "zh"]

    other = go.Figure(go.Bar(x=["a"], y=[1]))  # equal content, another object
    assert memo_on(other, "json", lambda: compute("other")) == "other-value"
    assert calls == ["json", "en", "zh", "other"]


def test_memo_on_forgets_an_object_once_it_is_collected():
    fig = go.Figure()
    key = id(fig)
    memo_on(fig, "json", lambda: "x")
    memo_on(fig, "notes", lambda: "y")
    assert {k for k in common._memo if k[0] == key} == {(key, "json"), (key, "notes")}
    del fig
    gc.collect()
    assert not [k for k in common._memo if k[0] == key]
