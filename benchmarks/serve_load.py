"""Load on `newsstance serve`, on the loopback: bounded concurrent clients, a fixed number of requests.

  python benchmarks/serve_load.py [--model PATH] [--data-root ../shared/data] [--requests 400]
                                  [--concurrency 1,8,32,128] [--soak 10000]

Starts the service in its own process on a free loopback port, then for each concurrency level sends
`--requests` POST /v1/analyze requests (PolNeAR dev articles, in turn) from that many client threads,
and prints requests/s, sentences/s, p50/p95/p99 latency, errors and the server's peak RSS. Beside them,
in the same run: the offline `predict_proba` rate of the same model on the same sentences, with the
same neighbours (its own process). The soak phase sends `--soak` short requests at 32 clients and
prints the server's resident memory every tenth of the way: flat means no growth per request.
Everything stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def articles(data_root: str) -> list[str]:
    texts = sorted((Path(data_root) / "polnear" / "dev" / "text").glob("*"))
    return [p.read_text(encoding="utf-8") for p in texts if p.is_file()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def offline_rate(model: str | None, articles_sentences: list[list[str]]) -> float:
    """predict_proba sentences/s in a fresh process (the service's own process is busy serving), each
    sentence with its article neighbours and lede as analyze() gives them: a model that reads context
    reads twice the tokens, in the service and here alike."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(articles_sentences, f)
    code = ("import json, sys, time, newsstance; from newsstance.data.segment import document_context; "
            "arts = json.load(open(sys.argv[1])); texts = [s for a in arts for s in a]; "
            "ctx = [document_context(a) for a in arts]; b, n, d = ([x for c in ctx for x in c[k]] for k in range(3)); "
            f"m = newsstance.load({model!r}); m.predict_proba(texts[:64], b[:64], n[:64], d[:64]); "
            "t = time.perf_counter(); m.predict_proba(texts, b, n, d); print(len(texts) / (time.perf_counter() - t))")
    try:
        out = subprocess.run([sys.executable, "-c", code, f.name], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    return float(out.stdout.strip().splitlines()[-1])


def run_level(url: str, texts: list[str], sizes: list[int], n_requests: int, concurrency: int) -> dict:
    """The clients count sentences from the known size of each article (parsing every response would
    spend the cores the server is measured on); a response is checked to be 200 and non-empty."""
    latencies, sentences, errors = [], [0], [0]
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=120)
        start = time.perf_counter()
        try:
            response = client.post(f"{url}/v1/analyze", json={"text": texts[i % len(texts)]})
            ok = response.status_code == 200 and response.content.startswith(b'{"model"')
            n = sizes[i % len(texts)] if ok else 0
        except httpx.HTTPError:
            ok, n = False, 0
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            sentences[0] += n
            errors[0] += not ok

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n_requests)))
    wall = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)
    return {"requests_per_s": n_requests / wall, "sentences_per_s": sentences[0] / wall, "p50": q[49], "p95": q[94],
            "p99": q[98], "errors": errors[0]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--data-root", default=os.environ.get("NEWSSTANCE_DATA_ROOT", "../shared/data"))
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", default="1,8,32,128")
    ap.add_argument("--soak", type=int, default=10_000)
    args = ap.parse_args()
    texts = articles(args.data_root)
    from newsstance.data.segment import split_sentences

    articles_sentences = [[s.text for s in split_sentences(t)] for t in texts]
    sizes = [len(a) for a in articles_sentences]
    sentences = [s for a in articles_sentences for s in a]
    per_request = len(sentences) / len(texts)
    print(f"{len(texts)} PolNeAR dev articles, {len(sentences)} sentences ({per_request:.0f} a request)")
    port = free_port()
    command = [sys.executable, "-m", "newsstance.cli", "serve", "--port", str(port)]
    command += ["--model", args.model] if args.model else []
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the service did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        offline = offline_rate(args.model, articles_sentences)
        print(f"offline predict_proba, same model, own process: {offline:.1f} sentences/s")
        print(f"{'clients':>7} {'req/s':>7} {'sent/s':>8} {'% offline':>9} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} "
              f"{'errors':>6} {'server peak RSS':>15}")
        for level in [int(x) for x in args.concurrency.split(",")]:
            r = run_level(url, texts, sizes, args.requests, level)
            print(f"{level:7d} {r['requests_per_s']:7.2f} {r['sentences_per_s']:8.1f} "
                  f"{100 * r['sentences_per_s'] / offline:8.0f}% {r['p50']:7.3f} {r['p95']:7.3f} {r['p99']:7.3f} "
                  f"{r['errors']:6d} {memory_mb(server.pid, 'VmHWM'):12.0f} MB")
        if args.soak:
            short = [" ".join(s) for s in zip(sentences[0::3], sentences[1::3], sentences[2::3], strict=False)]
            short_sizes = [len(split_sentences(t)) for t in short]
            print(f"soak: {args.soak} requests of 3 sentences at 32 clients; server resident memory:")
            step = max(1, args.soak // 10)
            errors = 0
            for done in range(step, args.soak + 1, step):
                errors += run_level(url, short, short_sizes, step, 32)["errors"]
                print(f"  after {done:6d} requests: {memory_mb(server.pid, 'VmRSS'):6.0f} MB  (errors so far {errors})")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
