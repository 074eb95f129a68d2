"""`portico preview` as a writer runs it: a real process on a real port. It stops promptly on Ctrl-C or SIGTERM
even with a browser tab on its live-reload stream, answers only requests addressed to this machine, and never
loses a save (made while it starts, while it rebuilds, or into a folder that did not exist)."""
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PORTICO = os.environ.get("PORTICO_BIN") or os.path.join(ROOT, ".build", "debug", "portico")

pytestmark = pytest.mark.skipif(not os.path.exists(PORTICO), reason=f"no portico binary at {PORTICO}")

PAGE = "accounts/bank/insights/instant-payments-review.md"
URL_PATH = "/bank/insights/instant-payments-review/"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Preview:
    def __init__(self, project, *extra):
        self.port = free_port()
        self.process = subprocess.Popen([PORTICO, "preview", "--content", "content", "--port", str(self.port), *extra],
                                        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.banner = ""

    def wait_until_serving(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read()
            ready, _, _ = select.select([self.process.stdout], [], [], 0.1)
            if ready:
                self.banner = self.process.stdout.readline()
                if self.banner.startswith("Preview on"):
                    return
        pytest.fail("the preview did not start serving")

    def serving(self):
        return select.select([self.process.stdout], [], [], 0)[0] and self.process.stdout.readline().startswith("Preview on")

    def get(self, path, host=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if host is not None:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def eventually_serves(self, path, text, timeout=30):
        deadline = time.monotonic() + timeout
        body = ""
        while time.monotonic() < deadline:
            status, body = self.get(path)
            if status == 200 and text in body:
                return
            time.sleep(0.1)
        pytest.fail(f"{path} never showed {text!r}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@pytest.fixture
def project(tmp_path):
    shutil.copytree(os.path.join(ROOT, "content"), tmp_path / "content")
    return tmp_path


@pytest.fixture
def preview(project):
    running = []

    def start(*extra):
        p = Preview(project, *extra)
        running.append(p)
        return p

    yield start
    for p in running:
        p.stop()


def open_event_stream(port):
    """What a browser tab's EventSource does: GET the stream and read the first comment."""
    tab = socket.create_connection(("127.0.0.1", port), timeout=10)
    tab.sendall(f"GET /_portico/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    received = b""
    while b": connected" not in received:
        chunk = tab.recv(4096)
        assert chunk, "the event stream closed before it connected"
        received += chunk
    assert b"200 OK" in received
    return tab


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("tab_state", ["open", "closed"])
def test_preview_stops_promptly_after_a_tab_connected(preview, sig, tab_state):
    p = preview()
    p.wait_until_serving()
    tab = open_event_stream(p.port)
    if tab_state == "closed":
        tab.close()
        time.sleep(0.3)
    p.process.send_signal(sig)
    try:
        code = p.process.wait(timeout=4)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the preview was still running 4 s after {sig.name} with a tab {tab_state}")
    finally:
        tab.close()
    assert code == 0, p.process.stderr.read()


def test_preview_answers_only_requests_addressed_to_this_machine(preview):
    p = preview()
    p.wait_until_serving()
    for host in ["localhost", f"localhost:{p.port}", f"127.0.0.1:{p.port}", f"[::1]:{p.port}", f"LOCALHOST:{p.port}"]:
        status, body = p.get(URL_PATH, host=host)
        assert status == 200, host
        assert "Instant" in body
    # DNS rebinding: a page on attacker.example whose name now points at 127.0.0.1 sends its own name.
    for host in [f"attacker.example:{p.port}", "attacker.example", f"localhost.attacker.example:{p.port}",
                 f"127.0.0.1.nip.io:{p.port}", f"localhost:{p.port + 1}", f"127.0.0.1:{p.port}0", "localhost:", ""]:
        for path in [URL_PATH, "/", "/_portico/events", "/_portico/status"]:
            status, body = p.get(path, host=host)
            assert status == 421, (host, path, status)
            assert "Instant" not in body


def retitled(page, prefix):
    """The page with `prefix` put at the start of its title, inside the quotes where the title is quoted (a quoted
    title after plain text would not be YAML)."""
    if 'title: "' in page:
        return page.replace('title: "', 'title: "' + prefix, 1)
    return page.replace("title: ", "title: " + prefix, 1)


@pytest.mark.parametrize("mode", [[], ["--poll"]])
def test_saves_made_while_the_preview_starts_are_not_lost(project, preview, mode):
    page = project / "content" / PAGE
    original = page.read_text()
    p = preview(*mode)
    # Save over and over while it builds and starts serving, then once more: the last save must show.
    saves = 0
    while not p.serving():
        assert p.process.poll() is None, p.process.stderr.read()
        saves += 1
        page.write_text(retitled(original, f"Saved {saves} "))
        time.sleep(0.02)
    saves += 1
    page.write_text(retitled(original, f"Saved {saves} "))
    p.eventually_serves(URL_PATH, f"Saved {saves} ")


def test_saves_during_a_rebuild_and_in_new_folders_are_not_lost(project, preview):
    p = preview()
    p.wait_until_serving()
    assert "watching with inotify" in p.banner
    page = project / "content" / PAGE
    original = page.read_text()
    # Back-to-back saves: later ones land while the first is being rebuilt.
    for n in range(1, 21):
        page.write_text(retitled(original, f"Rewritten {n} "))
        time.sleep(0.005 * (n % 4))
    p.eventually_serves(URL_PATH, "Rewritten 20 ")
    # A whole new account: folders created and filled faster than a watch can be added to each.
    shutil.copytree(project / "content" / "accounts" / "bank", project / "content" / "accounts" / "newbank")
    p.eventually_serves("/newbank/insights/instant-payments-review/", "Rewritten 20 ")
    nested = project / "content" / "accounts" / "newbank" / "insights"
    (nested / "instant-payments-review.md").write_text(retitled(original, "Nested save "))
    p.eventually_serves("/newbank/insights/instant-payments-review/", "Nested save ")
    assert re.search(r"Rewritten 20 ", p.get(URL_PATH)[1])


@pytest.mark.parametrize("save", ["rewrite", "rename"])
def test_no_request_is_answered_404_or_half_built_while_a_rebuild_swaps_pages_in(project, preview, save):
    """A reader of the preview reloading while the writer saves, the way editors save (rewrite in place, or write
    a temporary file and rename it over): every answer is a whole page, the old one or the new one."""
    import threading
    p = preview()
    p.wait_until_serving()
    page = project / "content" / PAGE
    original = page.read_text()
    answers, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            answers.append(p.get(URL_PATH))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for n in range(1, 9):
            text = retitled(original, f"Swap {n} ")
            if save == "rename":
                temporary = page.with_name(".instant-payments-review.md.tmp")
                temporary.write_text(text)
                os.replace(temporary, page)
            else:
                page.write_text(text)
            p.eventually_serves(URL_PATH, f"Swap {n} ")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert len(answers) > 50, "the readers kept asking throughout"
    bad = [(status, body[:80]) for status, body in answers if status != 200 or "</html>" not in body]
    assert not bad, f"{len(bad)} of {len(answers)} answers were not a whole page: {bad[:3]}"
