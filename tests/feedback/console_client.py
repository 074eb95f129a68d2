"""A console visitor over plain HTTP: sign-in links from the CLI, the session cookie kept by hand, and the
Origin header a browser sends on form posts (so tests can send another)."""
import http.client
import os
import re
import urllib.parse

from portico_client import ENV, FIXTURE, PORTICO_BIN


def staff_link(staff, content=FIXTURE, days=None, today=None):
    """The sign-in link `portico token issue --staff` prints."""
    args = ["token", "issue", "--staff", staff, "--content", content] + (["--days", str(days)] if days else [])
    env = {**ENV, "PORTICO_TODAY": today} if today else ENV
    import subprocess
    result = subprocess.run([PORTICO_BIN, *args], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def token_of(link):
    return urllib.parse.parse_qs(urllib.parse.urlparse(link).query, keep_blank_values=True)["t"][0]


class Visitor:
    def __init__(self, server):
        self.host, self.port = server.host, server.port
        self.origin = f"http://{self.host}:{self.port}"
        self.cookie = None

    def request(self, method, path, form=None, origin="same", headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if origin == "same":
            if method == "POST":
                sent["Origin"] = self.origin
        elif origin is not None:
            sent["Origin"] = origin
        if self.cookie:
            sent["Cookie"] = "portico_console=" + self.cookie
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookies = response.headers.get_all("Set-Cookie") or []
        for cookie in cookies:
            match = re.match(r"portico_console=([^;]*)", cookie)
            if match:
                self.cookie = match.group(1) or None
        connection.close()
        return response.status, text, response.headers, cookies

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, form, **kwargs):
        return self.request("POST", path, form=form, **kwargs)

    def sign_in(self, link):
        status, _, headers, cookies = self.post("/console/sign-in", {"t": token_of(link)})
        return status, headers, cookies
