"""Streamlit sessions over the websocket protocol itself, no browser (bench_load.py --protocol).

Each session is what a browser's tab is to the server: it connects to /_stcore/stream (with
the page's cookies and the XSRF token, as the frontend sends them), asks for a script run
of the overview (a BackMsg ``rerun_script``, the `streamlit.proto` messages the package
ships) and waits for the ForwardMsg ``script_finished``. The time from connecting to the
end of the run is the session's time; the server's CPU comes from /proc. So the figures
measure the server, not 50 Chromiums on the same two cores.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Results:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    charts: list[int] = field(default_factory=list)  # plotly charts each session received


def server_pids(ports: list[int] | None = None) -> list[int]:
    """serve.py processes (those on `ports`, or all): whose CPU the views cost."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmd = (entry / "cmdline").read_bytes()
                if b"serve.py" not in cmd:
                    continue
                if ports is None or any(f"--server.port\0{p}\0".encode() in cmd for p in ports):
                    pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of `pids` (and their waited-for children), in seconds."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
    return total / TICKS


def _page_cookies(base: str) -> str:
    """The cookies a browser holds after loading the page (XSRF, the browser cookie)."""
    with urllib.request.urlopen(f"{base}/", timeout=60) as r:
        jar = [h.split(";", 1)[0] for h in r.headers.get_all("Set-Cookie") or []]
    return "; ".join(jar)


async def _session(base: str, query: str, timeout: float, out: Results) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.monotonic()
    try:
        cookies = await asyncio.to_thread(_page_cookies, base)
        xsrf = ""
        for part in cookies.split("; "):
            if part.startswith("_streamlit_xsrf="):
                xsrf = part.split("=", 1)[1]
        url = urlsplit(base)
        ws_url = f"ws://{url.netloc}{url.path.rstrip('/')}/_stcore/stream"
        async with websockets.connect(
            ws_url,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": cookies, "Origin": f"http://{url.netloc}"},
            max_size=None,
            open_timeout=timeout,
        ) as ws:
            msg = BackMsg()
            msg.rerun_script.query_string = query
            msg.rerun_script.page_name = ""
            await ws.send(msg.SerializeToString())
            charts = 0
            async with asyncio.timeout(timeout):
                while True:
                    fwd = ForwardMsg()
                    fwd.ParseFromString(await ws.recv())
                    kind = fwd.WhichOneof("type")
                    element = fwd.delta.new_element.WhichOneof("type") if kind == "delta" else None
                    charts += element == "plotly_chart"
                    if element == "exception":
                        raise RuntimeError(fwd.delta.new_element.exception.message[:80])
                    if kind == "script_finished":
                        if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            raise RuntimeError(f"script finished with {fwd.script_finished}")
                        break
        if not charts:
            raise RuntimeError("the overview drew no chart")
        out.times.append(time.monotonic() - start)
        out.charts.append(charts)
    except Exception as exc:  # every failure is counted, with its kind
        out.errors.append(f"{type(exc).__name__}: {str(exc)[:80]}")


async def _run(base: list[str], sessions: int, ramp: float, timeout: float) -> Results:
    out = Results()

    async def later(i: int) -> None:
        await asyncio.sleep(ramp * i / max(sessions, 1))
        await _session(base[i % len(base)], "lang=en", timeout, out)

    await asyncio.gather(*(later(i) for i in range(sessions)))
    return out


def measure(
    bases: list[str], sessions: int, pids: list[int], *, ramp: float = 0.0, timeout: float = 120
) -> str:
    """Open `sessions` sessions on `bases` (round robin), all at once or over `ramp`
    seconds; the figures line."""
    cpu0 = cpu_seconds(pids)
    out = asyncio.run(_run(bases, sessions, ramp, timeout))
    cpu = cpu_seconds(pids) - cpu0
    times = sorted(out.times)
    p50 = statistics.median(times) if times else float("nan")
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else float("nan")
    views = max(len(times), 1)
    line = (
        f"sessions {sessions}  p50 {p50:.2f} s  p95 {p95:.2f} s  errors {len(out.errors)}"
        f"  cpu/view {cpu / views:.3f} s"
    )
    if out.charts:
        line += f"  (charts/view {statistics.median(out.charts):g})"
    for kind in sorted(set(out.errors))[:3]:
        line += f"\n    {out.errors.count(kind)} x {kind}"
    return line
