"""The host files a build writes set each header once per response: pages are revalidated on every request (a
revocation reaches readers at the next publish), `_portico/` assets may be cached briefly, and every response
carries the CSP. Checked by serving a built site with Debian's nginx and the build's `_portico/nginx.conf`, and by
reading `_headers` as Cloudflare Pages does (every matching rule applies; a header named twice is joined)."""
import fnmatch
import os
import urllib.request

from nginx_proxy import Nginx
from portico_client import build_keys


def site(tmp_path):
    return build_keys(str(tmp_path / "server-keys")) + "-site"


def first_page(root):
    for folder, _, files in sorted(os.walk(root)):
        if "_portico" not in folder.split(os.sep) and "index.html" in files and folder != root:
            return os.path.relpath(os.path.join(folder, "index.html"), root)
    raise AssertionError("no account page in the build")


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers


def test_nginx_sends_one_cache_control_per_response(tmp_path):
    root = site(tmp_path)
    with Nginx(tmp_path, site=root) as nginx:
        status, headers = fetch(f"{nginx.base_url}/{first_page(root)}")
        assert status == 200
        assert headers.get_all("Cache-Control") == ["no-cache"]
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        status, headers = fetch(f"{nginx.base_url}/_portico/gate.js")
        assert status == 200
        assert headers.get_all("Cache-Control") == ["public, max-age=300"]
        assert "default-src 'none'" in headers["Content-Security-Policy"], "the assets keep the server block's headers"
        assert headers["X-Content-Type-Options"] == "nosniff"


def headers_file_rules(path):
    rules, current = [], None
    for line in open(path, encoding="utf-8").read().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = (line.strip(), [])
            rules.append(current)
        else:
            name, _, value = line.strip().partition(":")
            current[1].append((name.lower(), value.strip()))
    return rules


def joined_headers(rules, path):
    """What Cloudflare Pages sends for `path`: the headers of every rule whose pattern matches, by name."""
    sent = {}
    for pattern, headers in rules:
        if fnmatch.fnmatchcase(path, pattern):
            for name, value in headers:
                sent.setdefault(name, []).append(value)
    return sent


def test_headers_file_names_each_header_once_for_pages_and_assets(tmp_path):
    root = site(tmp_path)
    rules = headers_file_rules(os.path.join(root, "_headers"))
    for path in ("/" + first_page(root), "/_portico/gate.js"):
        sent = joined_headers(rules, path)
        assert "content-security-policy" in sent, path
        for name, values in sent.items():
            assert len(values) == 1, f"{path}: {name} would be joined from {values}"
    assert joined_headers(rules, "/_portico/gate.js")["cache-control"] == ["public, max-age=300"]
