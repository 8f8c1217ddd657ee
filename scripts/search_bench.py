#!/usr/bin/env python
"""Search benchmark: index size, bytes a reader downloads for one search, indexing cost.

For a built site (`--site DIR`), or for synthetic portals of given sizes (`--sizes`,
generated and built with scripts/bench.py's generator):

- index size: bytes and files under `pagefind/` (all shards);
- bytes per query: headless Chromium (Debian's, /usr/bin/chromium) opens
  `/search/?q=<query>` on a cold cache from a local server on 127.0.0.1 and adds up
  every response body (the page, Material's CSS/JS, Pagefind, the index chunks and
  the fragments of the first results); also the time from the last index chunk's
  arrival to the first results on screen;
- indexing cost (`--content` given, or with `--sizes`): the core loads and renders the
  tree, then `site_builder.search.write` indexes every shard from scratch (no cache), in
  the builder's forked workers; wall and CPU seconds (and the builder's own share), the
  peak memory of the largest worker process and of all of them together (sampled every
  20 ms), and the builder's peak; with `--sizes` also the plain mkdocs-material build of
  the same posts (no search) for the ratio.

    python scripts/search_bench.py --sizes 1000,10000 --out /tmp/search-bench
    python scripts/search_bench.py --site site --query 党建
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("党建", "乡村振兴", "便民服务措施", "党")  # the last: one character
EPOCH = "1795608000"


# ---------------------------------------------------------------- index size


def index_size(site: Path) -> dict:
    """Bytes and files of the search index, in total and per shard."""
    root = site / "pagefind"
    shards = {}
    for shard in sorted(p for p in root.iterdir() if p.is_dir()):
        files = [f for f in shard.rglob("*") if f.is_file()]
        shards[shard.name] = {"bytes": sum(f.stat().st_size for f in files), "files": len(files)}
    pages = 0
    for name in shards:
        entry = json.loads((root / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages += sum(language["page_count"] for language in entry["languages"].values())
    return {"pages": pages, "bytes": sum(s["bytes"] for s in shards.values()),
            "files": sum(s["files"] for s in shards.values()), "shards": shards}


# ---------------------------------------------------------------- bytes per query


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def query_costs(site: Path, queries: tuple[str, ...] = QUERIES) -> list[dict]:
    """Open the search page once per query, each on a cold cache; what was downloaded and when."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"])
            try:
                return [one_query(browser, base, query) for query in queries]
            finally:
                browser.close()
    finally:
        server.shutdown()


def one_query(browser, base: str, query: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(f"{base}search/?q={quote(query)}")
    page.wait_for_function("() => { const s = document.querySelector('.portal-search-status').textContent;"
                           " return s.startsWith('找到') || s.startsWith('没有'); }", timeout=120000)
    status = page.inner_text(".portal-search-status")
    # Pagefind fetches from a worker, so the chunks' arrival comes from the browser's request timing.
    mark = page.evaluate("""() => {
        const mark = performance.getEntriesByName('portal-search-results')[0];
        return mark ? [mark.startTime, performance.timeOrigin + mark.startTime] : null;
    }""")
    chunk_ends = [r.timing["startTime"] + r.timing["responseEnd"] for r in responses
                  if urlsplit(r.url).path.endswith(".pf_index") and r.timing["responseEnd"] >= 0]
    sizes = [(r.url, r.sizes()["responseBodySize"]) for r in responses]
    context.close()
    foreign = sorted({urlsplit(url).hostname for url, _ in sizes} - {"127.0.0.1"})
    by_kind: dict[str, int] = {}
    for url, size in sizes:
        path = urlsplit(url).path
        kind = "index chunks" if path.endswith(".pf_index") else "fragments" if path.endswith(".pf_fragment") \
            else "filters" if path.endswith(".pf_filter") else "pagefind" if "/pagefind/" in path else "page"
        by_kind[kind] = by_kind.get(kind, 0) + size
    results_ms = mark[0] if mark else None
    after_chunks = mark[1] - max(chunk_ends) if mark and chunk_ends else None
    return {"query": query, "status": status, "requests": len(sizes), "bytes": sum(s for _, s in sizes),
            "by_kind": by_kind, "foreign_hosts": foreign,
            "results_ms": round(results_ms) if results_ms else None,
            "after_chunks_ms": round(after_chunks) if after_chunks is not None else None}


# ---------------------------------------------------------------- indexing cost

INDEXING = r'''
import json, os, sys, tempfile, threading, time, resource
sys.path.insert(0, sys.argv[3])
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
from site_builder.sitebuild import mkdocs_config
from site_builder.plugin_config import portal_config
from site_builder.engine import MarkdownSettings, PortalBuild
from site_builder import search

def tree_rss(pid):
    """RSS (KiB) of each process below `pid`, by process id."""
    found, stack = {}, [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    for child in handle.read().split():
                        stack.append(int(child))
                        with open(f"/proc/{child}/status") as status:
                            found[int(child)] = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return found

config = mkdocs_config(sys.argv[1], path=sys.argv[4] if len(sys.argv) > 4 else None)
options = config.plugins["portal"]
settings = portal_config(options.config, config.site_url, config.site_name, False)
build = PortalBuild(config.docs_dir, settings, MarkdownSettings(list(config.markdown_extensions), dict(config.mdx_configs)), None)
build.run()
site = tempfile.mkdtemp(prefix="search-index-")
peak, per_process, done = [0], {}, threading.Event()
def sample():
    while not done.is_set():
        found = tree_rss(os.getpid())
        peak[0] = max(peak[0], sum(found.values()))
        for child, kib in found.items():
            per_process[child] = max(per_process.get(child, 0), kib)
        time.sleep(0.02)
sampler = threading.Thread(target=sample, daemon=True)
before = resource.getrusage(resource.RUSAGE_CHILDREN)
own = resource.getrusage(resource.RUSAGE_SELF)
sampler.start()
start = time.perf_counter()
search.write(build, site)
seconds = time.perf_counter() - start
done.set(); sampler.join()
after = resource.getrusage(resource.RUSAGE_CHILDREN)
own_after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
       + own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime)
builder_cpu = own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime
json.dump({"posts": len(build.portal.posts), "seconds": seconds, "cpu": cpu, "builder_cpu": builder_cpu,
           "indexer_peak_kib": peak[0], "indexer_process_peak_kib": max(per_process.values(), default=0),
           "builder_rss_kib": own_after.ru_maxrss}, open(sys.argv[2], "w"))
'''


def indexing_cost(content: Path, config: Path | None = None) -> dict:
    """Index a content tree from scratch in a fresh process; seconds, CPU seconds, peak memory."""
    with tempfile.TemporaryDirectory(prefix="search-bench-") as work:
        script, out = Path(work) / "index.py", Path(work) / "result.json"
        script.write_text(INDEXING, encoding="utf-8")
        command = [sys.executable, str(script), str(content), str(out), str(ROOT)] + ([str(config)] if config else [])
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
        subprocess.run(command, check=True, env=env, cwd=work, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- synthetic portals


def synthetic(count: int, out: Path) -> dict:
    """Generate `count` posts, build them (portal and plain Material), measure everything."""
    import bench

    work = out / f"n{count}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    content, log = work / "content", work / "build.log"
    bench.generate(content, count)
    plain_yml = work / "plain.yml"
    plain_yml.write_text(bench.PLAIN_MKDOCS.format(content=content, site=work / "plain-site"), encoding="utf-8")
    plain = bench.measure([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain_yml)], log)
    shutil.rmtree(work / "plain-site", ignore_errors=True)
    bench.measure(bench.portal(content, work / "site", work / "cache"), log)
    config = ROOT / "site_builder" / "default_mkdocs.yml"
    return {"posts": count, "plain_seconds": plain["seconds"], **measure(work / "site", content, config)}


def measure(site: Path, content: Path | None, config: Path | None = None,
            queries: tuple[str, ...] = QUERIES) -> dict:
    result = {"site": str(site), "index": index_size(site)}
    if os.path.exists(CHROMIUM):
        result["queries"] = query_costs(site, queries)
    if content:
        result["indexing"] = indexing_cost(content, config)
    return result


def report(results: list[dict]) -> str:
    lines = ["| posts (pages indexed) | index size | files | shards | plain build s | indexing s | % of plain | indexing CPU s "
             "(builder's own) | workers' peak RSS, largest process | workers' peak RSS, all together | builder peak RSS |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        index, indexing = r["index"], r.get("indexing", {})
        posts = indexing.get("posts", r.get("posts", index["pages"]))
        share = f"{indexing['seconds'] / r['plain_seconds']:.0%}" if indexing and r.get("plain_seconds") else ""
        lines.append(
            f"| {posts:,} | {index['bytes'] / 1048576:.1f} MiB | {index['files']:,} | {len(index['shards'])} | "
            f"{format(r['plain_seconds'], '.1f') if 'plain_seconds' in r else ''} | {indexing.get('seconds', 0):.1f} | {share} | "
            f"{indexing.get('cpu', 0):.1f} ({indexing.get('builder_cpu', 0):.1f}) | "
            f"{indexing.get('indexer_process_peak_kib', 0) / 1024:.0f} MiB | {indexing.get('indexer_peak_kib', 0) / 1024:.0f} MiB | "
            f"{indexing.get('builder_rss_kib', 0) / 1024:.0f} MiB |")
    lines += ["", "| posts | query | result | requests | bytes (page + query) | of which index chunks | "
              "fragments | first results after last chunk | first results after navigation | other hosts |",
              "|---:|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        posts = r.get("indexing", {}).get("posts", r.get("posts", r["index"]["pages"]))
        for q in r.get("queries", []):
            kinds = q["by_kind"]
            lines.append(
                f"| {posts:,} | {q['query']} | {q['status']} | {q['requests']} | {q['bytes'] / 1024:.0f} KiB | "
                f"{kinds.get('index chunks', 0) / 1024:.0f} KiB | {kinds.get('fragments', 0) / 1024:.0f} KiB | "
                f"{q['after_chunks_ms']} ms | {q['results_ms']} ms | {', '.join(q['foreign_hosts']) or 'none'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", help="a built site to measure")
    parser.add_argument("--content", help="its content folder (to measure indexing)")
    parser.add_argument("--config", help="mkdocs.yml for --content (default: the project's or the packaged one)")
    parser.add_argument("--sizes", help="comma-separated post counts of synthetic portals, e.g. 1000,10000")
    parser.add_argument("--out", help="work folder for --sizes (default: a new temporary folder)")
    parser.add_argument("--query", action="append", help="query to measure (repeatable; default: {})".format("、".join(QUERIES)))
    args = parser.parse_args(argv)
    queries = tuple(args.query or QUERIES)
    results = []
    if args.site:
        results.append(measure(Path(args.site).resolve(), Path(args.content).resolve() if args.content else None,
                               Path(args.config).resolve() if args.config else None, queries))
    if args.sizes:
        out = Path(args.out or tempfile.mkdtemp(prefix="search-bench-")).resolve()
        for count in [int(s) for s in args.sizes.split(",") if s.strip()]:
            print(f"… {count:,} posts", file=sys.stderr, flush=True)
            results.append(synthetic(count, out))
        (out / "search-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if not results:
        parser.error("give --site or --sizes")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
