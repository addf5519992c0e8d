"""`newsindex serve` under load, beside the same searches through the library in-process.

    python benchmarks/bench_web.py                    # all Reuters-21578 stories, 32 clients x 30 s
    python benchmarks/bench_web.py --clients 8 --seconds 10 --limit 3000
    python benchmarks/bench_web.py --index DIR        # an existing index instead of building one

The server is the real command (``python -m newsindex serve INDEX --port P``, uvicorn in its
own process) on 127.0.0.1; the clients are threads of this process, each on a keep-alive
connection, sending a fixed mix of /api/search requests: plain words, a country filter, facet
counts (country+issue+year), a date range, browsing newest first, and page 2. The load is
bounded in time and stops by itself; every response must be a 200 (errors are counted).

Side by side, in the same run: the same mix through ``index.search`` in this process, one
thread, so the HTTP overhead (routing, JSON, the socket, a worker thread per request) is a
ratio. One client measures the cost per request; N clients the throughput and the tail (the
index serialises searches, so a queue forms; on 2 shared cores the clients compete too).
``run.py --quick`` calls :func:`measure` with 4 clients for 3 s on the index it built.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "reuters21578"
START_TIMEOUT = 60.0


def request_mix() -> list[dict[str, Any]]:
    """The fixed mix: the search() keywords of each request (run.py's queries, countries, dates)."""
    from run import COUNTRIES, DATE_RANGES, QUERIES

    mix: list[dict[str, Any]] = []
    for i, query in enumerate(QUERIES):
        country, dates = COUNTRIES[i % len(COUNTRIES)][0], DATE_RANGES[i % len(DATE_RANGES)]
        mix += [
            {"q": query},
            {"q": query, "country": country},
            {"q": query, "facet": ("country", "issue", "year")},
            {"q": query, "since": dates[0], "until": dates[1]},
            {"q": "", "country": country, "sort": "newest"},
            {"q": query, "page": 2},
        ]
    return mix


def to_path(kwargs: dict[str, Any]) -> str:
    pairs = []
    for name, value in kwargs.items():
        for v in value if isinstance(value, tuple) else (value,):
            pairs.append((name, str(v)))
    return "/api/search?" + urllib.parse.urlencode(pairs)


def to_search(kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The same request as ``index.search`` arguments (the API's default facets included)."""
    args = {k: v for k, v in kwargs.items() if k != "q"}
    args["facets"] = args.pop("facet", ("country", "issue", "year"))
    return kwargs["q"], args


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "newsindex", "serve", str(index), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=oil&limit=1")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"newsindex serve did not answer within {START_TIMEOUT:.0f} s")
        time.sleep(0.1)


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads, each cycling through ``paths`` from its own offset until time is up."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n * 7
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or not body.startswith(b"{"):
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[n].append((time.perf_counter() - start) * 1000)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    flat = [x for xs in latencies for x in xs]
    return {"clients": clients, "seconds": round(elapsed, 2), "requests": len(flat), "per_s": len(flat) / elapsed,
            "p50": pct(flat, .5), "p95": pct(flat, .95), "p99": pct(flat, .99), "errors": sum(errors)}


def library(index_path: Path, mix: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The same mix through index.search in this process, one thread, for ``seconds``."""
    from newsindex import NewsIndex

    timings: list[float] = []
    with NewsIndex.open(index_path) as index:
        for kwargs in mix:  # warm-up pass, as the server's was
            index.search(to_search(kwargs)[0], **to_search(kwargs)[1])
        stop_at = time.monotonic() + seconds
        started = time.perf_counter()
        i = 0
        while time.monotonic() < stop_at:
            q, args = to_search(mix[i % len(mix)])
            i += 1
            start = time.perf_counter()
            index.search(q, **args)
            timings.append((time.perf_counter() - start) * 1000)
        elapsed = time.perf_counter() - started
    return {"requests": len(timings), "per_s": len(timings) / elapsed, "p50": pct(timings, .5), "p95": pct(timings, .95), "p99": pct(timings, .99)}


def measure(index_path: Path, lines: list[str], results: dict[str, Any], *, clients: int = 32, seconds: float = 30.0) -> None:
    """Serve ``index_path``, load it, time the library on the same mix; figures into lines/results."""
    mix = request_mix()
    paths = [to_path(kwargs) for kwargs in mix]
    proc, port = start_server(index_path)
    try:
        load(port, paths, 2, max(1.0, len(paths) * 0.004))  # warm-up: every request once or so
        one = load(port, paths, 1, max(1.0, seconds / 3))
        many = load(port, paths, clients, seconds)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    lib = library(index_path, mix, max(1.0, seconds / 3))
    results["web"] = {"one_client": one, "clients": many, "library": lib}
    say = lines.append
    say(f"web: `newsindex serve` on 127.0.0.1, /api/search, {len(mix)} mixed requests (plain, country, facets, dates, browse, page 2)")
    say(f"  HTTP, 1 client            {one['per_s']:7.0f} req/s   p50 {one['p50']:6.2f} ms   p95 {one['p95']:6.2f} ms   p99 {one['p99']:6.2f} ms   errors {one['errors']}")
    say(f"  HTTP, {clients:2d} clients          {many['per_s']:7.0f} req/s   p50 {many['p50']:6.2f} ms   p95 {many['p95']:6.2f} ms   p99 {many['p99']:6.2f} ms   errors {many['errors']}  ({many['requests']:,} requests in {many['seconds']:.0f} s)")
    say(f"  library index.search      {lib['per_s']:7.0f} q/s     p50 {lib['p50']:6.2f} ms   p95 {lib['p95']:6.2f} ms   p99 {lib['p99']:6.2f} ms   (in-process, 1 thread)")
    say(f"  HTTP / library: p50 per request (1 client) {one['p50'] / lib['p50']:.2f}x, +{one['p50'] - lib['p50']:.2f} ms; throughput {clients} clients {many['per_s'] / lib['per_s']:.2f}x")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="directory of Reuters-21578 *.sgm files")
    parser.add_argument("--limit", type=int, default=None, help="index the first N stories")
    parser.add_argument("--index", help="an existing index to serve (nothing is built)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsindex-bench-web-") as tmp:
        index_path = Path(args.index) if args.index else Path(tmp) / "idx"
        if not args.index:
            data = Path(args.data)
            if not any(data.glob("*.sgm")):
                print(f"bench_web: no Reuters-21578 *.sgm files in {data}; nothing measured (pass --data DIR or --index DIR)")
                return 0
            from newsindex import NewsIndex
            from run import load_corpus

            corpus = load_corpus(data, args.limit)
            with NewsIndex.create(index_path) as index:
                index.add(corpus, strict=False)
            lines.append(f"corpus: {len(corpus):,} Reuters-21578 stories")
        measure(index_path, lines, results, clients=args.clients, seconds=args.seconds)
    for line in lines:
        print(line, flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
