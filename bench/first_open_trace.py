"""Chrome's trace of one first open and one next article (bench/first_open.py --trace DIR): where the ms go.

Traces through the DevTools protocol on the browser target (Tracing.start / Tracing.end, events reported over
the websocket chromedriver's debugger address offers), saved as DIR/<variant>-<step>.json (open them in
chrome://tracing or ui.perfetto.dev), and summarised: the page renderer's main thread from navigation start to
the article's text in the DOM (the probe's `probe:text` mark), every task of 1 ms or more with what it did."""
import json
import os
import threading
import urllib.request

# what the Performance panel records, less its screenshots and stacks (heavier categories slow the page down)
CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "loading", "toplevel",
              "v8.execute"]


class Tracer:
    """One trace at a time over a websocket of its own (selenium's execute_cdp_cmd cannot receive events)."""

    def __init__(self, driver):
        import websocket   # websocket-client
        addr = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
        url = json.load(urllib.request.urlopen("http://%s/json/version" % addr))["webSocketDebuggerUrl"]
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.events, self.done, self.next = [], threading.Event(), 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                msg = json.loads(self.ws.recv())
            except Exception:
                return
            if msg.get("method") == "Tracing.dataCollected":
                self.events += msg["params"]["value"]
            elif msg.get("method") == "Tracing.tracingComplete":
                self.done.set()

    def _send(self, method, params=None):
        self.next += 1
        self.ws.send(json.dumps({"id": self.next, "method": method, "params": params or {}}))

    def start(self):
        self.events, self.done = [], threading.Event()
        self._send("Tracing.start", {"traceConfig": {"includedCategories": CATEGORIES, "recordMode": "recordUntilFull"},
                                     "transferMode": "ReportEvents"})

    def stop(self):
        self._send("Tracing.end")
        self.done.wait(60)
        return self.events

    def close(self):
        self.ws.close()


def _main_thread(events):
    """(pid, tid, navigation start, text) of the renderer main thread where the probe saw the article's text. The
    navigation start is the mark's time less its startTime (ms from the document's time origin)."""
    text = min((e for e in events if e.get("name") == "probe:text"), key=lambda e: e["ts"])
    return text["pid"], text["tid"], text["ts"] - text["args"]["data"]["startTime"] * 1000, text["ts"]


def _what(e):
    a, d = e.get("args", {}), e.get("args", {}).get("data", {}) or {}
    if e["name"] in ("EvaluateScript", "v8.compile", "v8.compileModule", "v8.run"):
        return (d.get("url") or a.get("fileName") or "").split("/")[-1] or "inline"
    if e["name"] == "ParseHTML":
        return "lines %s–%s" % (a.get("beginData", {}).get("startLine"), (a.get("endData") or {}).get("endLine"))
    if e["name"] in ("FunctionCall", "TimerFire", "EventDispatch", "FireIdleCallback"):
        return d.get("type") or d.get("functionName") or (d.get("url") or "").split("/")[-1]
    if e["name"].startswith("Resource"):
        return (d.get("url") or "").split("/")[-1] or d.get("requestId", "")
    return ""


INSTANT = {"ResourceSendRequest", "ResourceReceiveResponse", "ResourceFinish", "MarkDOMContent", "MarkLoad",
           "firstContentfulPaint", "firstPaint", "navigationStart", "domInteractive"}


def summary(events, title):
    """Lines: the renderer main thread's tasks and the page's milestones, ms from navigation start to the text."""
    if not any(e.get("name") == "probe:text" for e in events):   # a renderer started during the trace may miss its start
        return ["### %s: the page's renderer joined the trace too late (no probe:text mark); run again" % title]
    pid, tid, t0, text = _main_thread(events)
    end, rows = text, []
    # a task appears as RunTask and as ThreadControllerImpl::RunTask (by version): one of them
    task_name = "ThreadControllerImpl::RunTask" if any(e.get("name") == "ThreadControllerImpl::RunTask" for e in events) else "RunTask"
    tasks = sorted((e for e in events if e["pid"] == pid and e["tid"] == tid and e.get("ph") == "X"
                    and e["name"] == task_name and t0 <= e["ts"] <= end), key=lambda e: e["ts"])
    inner = [e for e in events if e["pid"] == pid and e["tid"] == tid and e.get("ph") == "X" and e["name"] not in
             ("RunTask", "ThreadControllerImpl::RunTask") and e.get("dur", 0) >= 300 and t0 <= e["ts"] <= end]
    busy = 0
    for t in tasks:
        if t.get("dur", 0) < 1000:
            continue
        busy += t["dur"]
        kids = sorted((k for k in inner if t["ts"] <= k["ts"] <= t["ts"] + t["dur"]), key=lambda k: -k["dur"])[:4]
        rows.append((t["ts"], "task %5.1f ms: %s" % (t["dur"] / 1000, ", ".join(
            "%s%s %.1f" % (k["name"], (" " + _what(k)) if _what(k) else "", k["dur"] / 1000) for k in kids))))
    for e in events:
        if e["pid"] == pid and e.get("name") in INSTANT | {"probe:text"} and t0 <= e["ts"] <= end + 1:
            rows.append((e["ts"], "  · %s %s" % (e["name"], _what(e))))
        elif e.get("cat") == "blink.user_timing" and e["pid"] == pid and str(e.get("name", "")).startswith("portico:") and t0 <= e["ts"] <= end:
            rows.append((e["ts"], "  · mark %s" % e["name"]))
    out = ["### %s: text at %.0f ms, main thread busy %.0f ms in tasks ≥ 1 ms" % (title, (text - t0) / 1000, busy / 1000)]
    out += ["%7.1f %s" % ((ts - t0) / 1000, line) for ts, line in sorted(rows)]
    return out


def save(folder, name, events):
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump({"traceEvents": events}, f)
