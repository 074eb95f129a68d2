"""Debian's nginx in front of `portico serve` replicas, for the replica tests: round robin, a replica that stops
answering is skipped for 30 s, and a POST is never retried on another replica (it is not idempotent). Or, with
`site`, serving a built site with the snippet the build writes (`_portico/nginx.conf`), as docs/hosting.md says."""
import os
import shutil
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    def __init__(self, folder, servers=(), site=None):
        self.folder, self.port = str(folder), free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        members = "".join(f"    server {s.host}:{s.port} max_fails=1 fail_timeout=30s;\n" for s in servers)
        upstream = f"  upstream portico {{\n{members}  }}\n" if servers else ""
        if site:
            body = f"""    root {site};
    include {site}/_portico/nginx.conf;
"""
        else:
            body = """    location / {
      proxy_pass http://portico;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout;
    }
"""
        temp = "".join(f"  {kind}_temp_path {self.folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # As root, the workers would become `nobody`, who cannot enter pytest's private folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        with open(os.path.join(self.folder, "nginx.conf"), "w") as conf:
            conf.write(f"""{user}worker_processes 1;
daemon off;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  types {{ text/html html; text/javascript js; text/css css; application/octet-stream bin; }}
{temp}{upstream}  server {{
    listen 127.0.0.1:{self.port};
{body}  }}
}}
""")
        self.process = None

    def __enter__(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen([nginx, "-p", self.folder, "-c", os.path.join(self.folder, "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):   # bounded wait until it listens
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("nginx did not start: " + self.process.stderr.read().decode())
                time.sleep(0.05)
        raise AssertionError("nginx did not listen")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
