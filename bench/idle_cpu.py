#!/usr/bin/env python3
"""Idle CPU of `portico preview`: start it on a content folder, wait until it serves and settles, then read its
user+system CPU time from /proc over a quiet interval (nothing saved meanwhile).

  python3 bench/idle_cpu.py PORTICO CONTENT [--seconds 30] [-- extra preview arguments, e.g. --poll]
"""
import argparse
import os
import select
import signal
import socket
import subprocess
import time


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime, stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("portico")
    parser.add_argument("content")
    parser.add_argument("--seconds", type=float, default=30)
    args, extra = parser.parse_known_args()   # what is left (e.g. --poll) goes to the preview
    args.extra = [a for a in extra if a != "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([args.portico, "preview", "--content", args.content, "--port", str(port), *args.extra],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        started = time.monotonic()
        while True:
            ready, _, _ = select.select([process.stdout], [], [], 600)
            line = process.stdout.readline() if ready else ""
            if line.startswith("Preview on") or process.poll() is not None:
                break
        print(f"serving after {time.monotonic() - started:.1f} s: {line.strip()}")
        time.sleep(5)
        before, t0 = cpu_seconds(process.pid), time.monotonic()
        time.sleep(args.seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - t0
        print(f"idle: {used:.2f} s CPU in {elapsed:.1f} s = {100 * used / elapsed:.1f} % of one core")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
