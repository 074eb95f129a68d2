#!/usr/bin/env python3
"""Load run for the feedback server (not part of the tests): a fixed number of requests from 64
concurrent keep-alive clients, for POST /v1/feedback and, in the same run on the same machine, the
trivial GET /healthz. Prints accepted submissions per second and p50/p99 latency.

Usage: PORTICO_BIN=.build/release/portico python3 tests/feedback/bench_load.py [--requests 5000] [--clients 64]
"""
import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from portico_client import Server, submission  # noqa: E402


async def client(host, port, jobs, results):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while jobs:
            request = jobs.pop()
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            results.append((int(status_line.split()[1]), time.perf_counter() - started))
    finally:
        writer.close()


async def run(host, port, requests, clients):
    jobs, results = list(requests), []
    started = time.perf_counter()
    await asyncio.gather(*(client(host, port, jobs, results) for _ in range(clients)))
    return results, time.perf_counter() - started


def http(method, path, host, port, body=b"", headers=None):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def row(name, results, seconds, ok):
    latencies = sorted(latency for _, latency in results)
    accepted = sum(1 for status, _ in results if status == ok)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return f"{name:<22} {len(results):>8} {accepted:>8} {accepted / seconds:>10.0f} {p(0.50):>9.2f} {p(0.99):>9.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Server(os.path.join(folder, "bench.sqlite")) as server:
        host, port = server.base_url.split("//")[1].split(":")
        port = int(port)
        posts = []
        for i in range(args.requests):
            body, headers = submission(viewer=("alice", "bob")[i % 2], fields={"rating": 5, "message": f"bench {i}"})
            posts.append(http("POST", "/v1/feedback", host, port, body, headers))
        gets = [http("GET", "/healthz", host, port) for _ in range(args.requests)]
        health, health_seconds = asyncio.run(run(host, port, gets, args.clients))
        feedback, feedback_seconds = asyncio.run(run(host, port, posts, args.clients))
    print(f"{args.requests} requests per endpoint, {args.clients} concurrent clients, loopback, {os.cpu_count()} CPUs")
    print(f"{'endpoint':<22} {'requests':>8} {'accepted':>8} {'per s':>10} {'p50 ms':>9} {'p99 ms':>9}")
    print(row("GET /healthz", health, health_seconds, 200))
    print(row("POST /v1/feedback", feedback, feedback_seconds, 201))


if __name__ == "__main__":
    main()
