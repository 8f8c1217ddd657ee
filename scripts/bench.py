#!/usr/bin/env python
"""Build-speed benchmark of the portal against plain mkdocs-material.

One invocation, for each size N (default 1,000, 2,000 and 10,000 posts):

1. generate a seeded synthetic portal: orgs.yml (several systems × three levels) and
   N Chinese posts of 500–2,000 characters with realistic front matter;
2. plain mkdocs-material on the same posts (no search plugin, posts out of nav);
3. the no-template floor: read + YAML + Python-Markdown + write, in 2 processes;
4. our cold build: `portal build --cache-dir <empty>` (listings, feeds, statistics, search);
   steps 2–4 run three times, interleaved in a rotating order, the disk settled before each;
5. our warm rebuild after editing one post (same content folder, same cache, a new site
   folder), three times, each after editing another post;
6. a cold build of the edited tree, compared byte for byte with the last warm output;
7. with `--shards N`: the edited tree built in N parts (`portal build --shard K/N`, one after
   another, each with an empty cache of its own, as N CI jobs would), then `portal merge`;
   per-job and merge seconds, and the merged site compared byte for byte with step 6.

The table shows the median of the three runs of each build (and every run's seconds).

Every step runs in its own subprocess; its peak RSS is the largest process of its
tree (getrusage(RUSAGE_CHILDREN) of a small wrapper). Prints a Markdown table.

    python scripts/bench.py --sizes 1000,2000,10000 --out /tmp/portal-bench
"""

from __future__ import annotations

import argparse
import compileall
import filecmp
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EPOCH = "1795608000"  # 2026-11-25 12:00 UTC: every generated date is before it
ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- generator

SYSTEMS = [("tax", "税务系统", "vertical"), ("fda", "药品监管系统", "vertical"),
           ("power", "电力系统", "vertical"), ("radio", "广播电视系统", "local"),
           ("edu", "教育系统", "local"), ("water", "水利系统", "local")]
CITIES = [("np", "南平"), ("sm", "三明"), ("nd", "宁德"), ("pt", "莆田")]
COUNTIES = {"np": [("jo", "建瓯"), ("wys", "武夷山"), ("sw", "邵武")],
            "sm": [("yx", "永安"), ("sx", "沙县")],
            "nd": [("fd", "福鼎"), ("xp", "霞浦")],
            "pt": [("xy", "仙游")]}
WORDS = ["党建", "学习", "工作", "群众", "服务", "基层", "支部", "党员", "干部", "制度", "落实", "推进", "开展", "组织", "活动", "会议", "精神", "宣传", "教育", "监督", "廉政", "作风", "建设", "创新", "发展", "改革", "安全", "质量", "民生", "调研", "培训", "考核", "整改", "责任", "担当", "实践", "经验", "交流", "志愿", "服务", "社区", "乡村", "振兴", "文明", "和谐", "形象", "素质", "提升", "中心", "业务", "窗口", "办理", "便民", "措施", "政策", "解读", "专题", "部署", "要求", "标准", "规范", "问题", "清单", "机制", "平台", "数据", "信息", "报送", "采用", "典型", "示范", "先进", "评选", "表彰", "总结"]
PUNCT = "，，，、；"
TAGS = ["支部标准化", "志愿服务", "党风廉政", "主题党日", "三会一课", "便民服务", "乡村振兴", "安全生产", "业务培训", "文明创建", "青年理论学习", "作风建设", "政务公开", "营商环境", "为民办实事", "清廉机关", "数字化", "基层治理"]
CATEGORIES = ("center", "integrity", "quality", "civility", "grassroots")
AUTHORS = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周涛", "吴霞", "徐丽", "孙强", "胡军", "朱琳", "高峰", "林晓"]


def orgs_yaml() -> str:
    """A registry of several systems, each with a province unit, cities and counties."""
    lines = ["systems:"]
    for sid, name, kind in SYSTEMS:
        lines += [f"  - id: {sid}", f"    name: {name}", f"    kind: {kind}", "    units:",
                  "      - id: prov", f"        name: 省{name[:-2]}局", "        level: province"]
        for cid, cname in CITIES:
            lines += [f"      - id: {cid}", f"        name: {cname}市{name[:-2]}局", "        level: city",
                      "        parent: prov"]
            for kid, kname in COUNTIES[cid]:
                lines += [f"      - id: {cid}-{kid}", f"        name: {kname}{name[:-2]}局", "        level: county",
                          f"        parent: {cid}"]
    return "\n".join(lines) + "\n"


def units() -> list[tuple[str, str, str, str | None]]:
    """(system, unit, level, parent) of every registered unit."""
    found: list[tuple[str, str, str, str | None]] = []
    for sid, _, _ in SYSTEMS:
        found.append((sid, "prov", "province", None))
        for cid, _ in CITIES:
            found.append((sid, cid, "city", "prov"))
            found += [(sid, f"{cid}-{kid}", "county", cid) for kid, _ in COUNTIES[cid]]
    return found


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
    text = ""
    for word in words:
        text += word + (rng.choice(PUNCT) if rng.random() < 0.15 else "")
    return text.rstrip("，、；") + "。"


def body_text(rng: random.Random, chars: int) -> str:
    """Paragraphs (with an occasional heading and list) totalling about `chars` characters."""
    parts: list[str] = []
    size = 0
    while size < chars:
        roll = rng.random()
        if roll < 0.08 and parts:
            block = "## " + "".join(rng.choice(WORDS) for _ in range(3))
        elif roll < 0.14:
            block = "\n".join("- " + sentence(rng) for _ in range(rng.randint(2, 4)))
        else:
            block = "".join(sentence(rng) for _ in range(rng.randint(2, 6)))
        parts.append(block)
        size += len(block)
    return "\n\n".join(parts)


BODY_CHARS = (500, 2000)  # characters of a post's body, least and most
SHORT_BODY_CHARS = (300, 1200)  # `--short`: most 工作动态 are a few paragraphs
LARGE = 50_000  # `--large`: a national portal's size, run once (it takes minutes and gigabytes)


def post_text(rng: random.Random, index: int, unit: tuple, all_units: list, body_chars: tuple = BODY_CHARS) -> str:
    """Front matter and body of one synthetic post (a body of `body_chars` characters, least and most)."""
    system, _, level, _ = unit
    day = rng.randint(0, 3 * 365)
    year, rest = 2023 + day // 365, day % 365
    month, mday = 1 + rest // 31 % 12, 1 + rest % 28
    kind = rng.choices(("news", "experience", "qa"), (0.7, 0.2, 0.1))[0]
    title = "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 8)))
    front = ["---", f"title: {title}（{index}）", f"date: {year}-{month:02d}-{mday:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
             f"type: {kind}", f"category: {rng.choice(CATEGORIES)}",
             f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]", f"author: {rng.choice(AUTHORS)}"]
    if level != "province" and rng.random() < 0.08:
        higher = [u for u in all_units if u[0] == system and u[2] == "province"]
        front.append(f"featured_by: [{higher[0][0]}/{higher[0][1]}]")
    body = body_text(rng, rng.randint(*body_chars))
    if kind == "qa":
        front.append(f"question: {sentence(rng)}")
        front.append(f"asked_by: {rng.choice(AUTHORS)}")
        if rng.random() < 0.8:
            front.append(f"answered: {year}-{month:02d}-{min(28, mday + rng.randint(1, 9)):02d}")
        else:
            body = ""
    return "\n".join(front + ["---", "", body, ""])


def generate(content: Path, count: int, seed: int = 20261125, body_chars: tuple = BODY_CHARS) -> list[str]:
    """Write a synthetic content tree of `count` posts; returns the post paths."""
    rng = random.Random(seed)
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir(parents=True)
    (content / "orgs.yml").write_text(orgs_yaml(), encoding="utf-8")
    (content / "index.md").write_text("# 三级联创网络互动平台\n\n欢迎访问。\n", encoding="utf-8")
    all_units = units()
    paths = []
    for index in range(count):
        unit = rng.choice(all_units)
        rel = f"{unit[0]}/{unit[1]}/{2023 + index % 4}/post-{index:05d}.md"
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(post_text(rng, index, unit, all_units, body_chars), encoding="utf-8")
        paths.append(rel)
    return paths


def edit_post(content: Path, rel: str) -> None:
    """The warm-rebuild edit: a changed title and an added paragraph."""
    path = content / rel
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: ", "title: 【修订】", 1) + "\n补充说明：本文已根据审核意见修订。\n"
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- baselines

PLAIN_MKDOCS = """\
site_name: 三级联创网络互动平台
site_url: http://127.0.0.1:8000/
docs_dir: {content}
site_dir: {site}
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
plugins: []
nav:
  - 首页: index.md
markdown_extensions:
  - toc:
      permalink: true
  - tables
  - admonition
  - attr_list
  - def_list
  - footnotes
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist
  - pymdownx.tilde
  - pymdownx.mark
validation:
  omitted_files: info
  absolute_links: info
  unrecognized_links: info
"""

FLOOR = r'''
import os, sys, yaml, markdown
from concurrent.futures import ProcessPoolExecutor
content, site = sys.argv[1], sys.argv[2]
EXT = ["toc", "tables", "admonition", "attr_list", "def_list", "footnotes", "pymdownx.details",
       "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.tilde", "pymdownx.mark"]
def work(paths):
    md = markdown.Markdown(extensions=EXT)
    for rel in paths:
        text = open(os.path.join(content, rel), encoding="utf-8").read()
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=yaml.CSafeLoader)
        html = md.reset().convert(body)
        out = os.path.join(site, rel[:-3], "index.html")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(f"<h1>{meta['title']}</h1>{html}")
    return len(paths)
paths = sorted(os.path.relpath(os.path.join(r, n), content) for r, _, ns in os.walk(content)
               for n in ns if n.endswith(".md") and n != "index.md")
with ProcessPoolExecutor(2) as pool:
    print(sum(pool.map(work, [paths[i::2] for i in range(2)])))
'''

# The wrapper every measured build runs in: it starts the build, samples the PSS of the build's
# whole process tree (every descendant, /proc/<pid>/smaps_rollup) every SAMPLE_SECONDS, and
# prints: exit code, wall seconds, peak RSS of the largest process (KiB), CPU seconds (user +
# system of every process of the tree that was waited for), peak PSS of the tree (KiB), and
# the number of processes at that peak.
TREE_WRAPPER = r'''
import os, resource, subprocess, sys, time

SAMPLE_SECONDS = 0.2


def children_of() -> dict:
    """Parent pid → child pids, of every process now running."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as handle:
                    stat = handle.read()
            except OSError:
                continue
            found.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(name))
    return found


def tree(root: int) -> list:
    """The pid of `root` and of each of its descendants."""
    children, pids, todo = children_of(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children.get(pid, [])
    return pids


def pss_kib(pid: int) -> int:
    """Proportional set size of one process (0 when it is gone or unreadable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


start = time.perf_counter()
peak, processes = 0, 0
with open(sys.argv[1], "ab") as log:
    build = subprocess.Popen(sys.argv[2:], stdout=log, stderr=log)
    readable = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")
    while build.poll() is None:
        if readable:
            pids = tree(build.pid)
            total = sum(pss_kib(pid) for pid in pids)
            if total > peak:
                peak, processes = total, len(pids)
        time.sleep(SAMPLE_SECONDS)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(build.returncode, f"{seconds:.3f}", usage.ru_maxrss, f"{usage.ru_utime + usage.ru_stime:.3f}", peak, processes)
'''


def measure(command: list[str], log: Path) -> dict:
    """Run `command` in a fresh wrapper process (`TREE_WRAPPER`): exit code, wall seconds, peak
    RSS (KiB) of the largest process of its tree, CPU seconds of the tree and the peak PSS (KiB)
    of the whole tree, summed over its processes (0 where /proc has no smaps_rollup)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    out = subprocess.run([sys.executable, "-c", TREE_WRAPPER, str(log), *command], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    result = {"code": int(out[0]), "seconds": float(out[1]), "rss_kib": int(out[2]), "cpu": float(out[3]),
              "pss_kib": int(out[4]), "processes": int(out[5])}
    if result["code"] != 0:
        raise SystemExit(f"failed ({result['code']}): {' '.join(command)} — see {log}")
    return result


def tree_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def same_tree(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two folders (missing on one side included)."""
    def names(root):
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    a, b = names(left), names(right)
    return sorted(a ^ b) + [r for r in sorted(a & b) if not filecmp.cmp(left / r, right / r, shallow=False)]


def portal(content: Path, site: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "site_builder", "--config", str(ROOT / "site_builder" / "default_mkdocs.yml"),
            "build", "--content", str(content), "--site", str(site), "--cache-dir", str(cache)]


RUNS = 3  # runs of each build per size (the machine's speed varies from minute to minute); the table shows medians


def settle() -> None:
    """Let the file system finish deleting the last run's folders before the next is timed."""
    os.sync()
    time.sleep(1)


def median_run(runs: list[dict]) -> dict:
    """The run of median time, with every run's seconds."""
    middle = sorted(runs, key=lambda row: row["seconds"])[len(runs) // 2]
    return dict(middle, runs=[row["seconds"] for row in runs])


def run_size(count: int, out: Path, runs: int = RUNS, body_chars: tuple = BODY_CHARS) -> dict:
    """Every step for one size (each build `runs` times; posts of `body_chars` characters);
    returns the measurements."""
    work = out / corpus_name(count, body_chars)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log = work / "build.log"
    content = work / "content"
    paths = generate(content, count, body_chars=body_chars)
    rows = {}
    plain_yml = work / "plain.yml"
    plain_yml.write_text(PLAIN_MKDOCS.format(content=content, site=work / "plain-site"), encoding="utf-8")
    floor = work / "floor.py"
    floor.write_text(FLOOR, encoding="utf-8")
    builds = {  # name → (folders it writes, command)
        "plain": (("plain-site",), [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain_yml)]),
        "floor": (("floor-site",), [sys.executable, str(floor), str(content), str(work / "floor-site")]),
        "cold": (("cold-site", "cache"), portal(content, work / "cold-site", work / "cache")),  # an empty cache
    }
    times: dict[str, list] = {name: [] for name in builds}
    order = list(builds)
    for run in range(runs):  # interleaved and rotated, so a slow minute of the machine falls on no kind only
        for name in order[run % len(order):] + order[:run % len(order)]:
            folders, command = builds[name]
            for folder in folders:
                shutil.rmtree(work / folder, ignore_errors=True)
            settle()
            times[name].append(measure(command, log))
    plain, floors, cold = times["plain"], times["floor"], times["cold"]
    rows["plain mkdocs-material, no search"] = median_run(plain)
    rows["no-template floor (2 processes)"] = median_run(floors)
    rows["portal cold build"] = dict(median_run(cold), search=tree_bytes(work / "cold-site" / "pagefind"))
    warm = []
    for run in range(runs):  # each: another post edited, a new site folder, the same cache
        shutil.rmtree(work / "warm-site", ignore_errors=True)
        settle()
        edit_post(content, paths[(len(paths) // 2 + run * 7919) % len(paths)])
        warm.append(measure(portal(content, work / "warm-site", work / "cache"), log))
    rows["portal warm rebuild, 1 post edited"] = dict(median_run(warm), search=tree_bytes(work / "warm-site" / "pagefind"))
    check = measure(portal(content, work / "check-site", work / "cache-check"), log)
    differ = same_tree(work / "warm-site", work / "check-site")
    return {"count": count, "body_chars": list(body_chars), "rows": rows, "check_seconds": check["seconds"], "differ": differ[:20],
            "identical": not differ}


def run_sharded(count: int, out: Path, parts: int, body_chars: tuple = BODY_CHARS) -> dict:
    """The sharded build of one size's (edited) tree, as N CI jobs would run it, one after
    another here: `portal build --shard K/N`, each with an empty cache of its own, then
    `portal merge`; the merged site is compared with the cold build of the same tree
    (`check-site` of `run_size`)."""
    work = out / corpus_name(count, body_chars)
    log = work / "build.log"
    jobs = []
    for part in range(1, parts + 1):
        for folder in (f"part-{part}", f"cache-part-{part}"):
            shutil.rmtree(work / folder, ignore_errors=True)
        settle()
        command = portal(work / "content", work / f"part-{part}", work / f"cache-part-{part}") + ["--shard", f"{part}/{parts}"]
        jobs.append(measure(command, log))
    shutil.rmtree(work / "merged-site", ignore_errors=True)
    settle()
    merged = measure([sys.executable, "-m", "site_builder", "merge", *(str(work / f"part-{p}") for p in range(1, parts + 1)),
                      "--site", str(work / "merged-site")], log)
    differ = same_tree(work / "merged-site", work / "check-site")
    for part in range(1, parts + 1):
        for folder in (f"part-{part}", f"cache-part-{part}"):
            shutil.rmtree(work / folder, ignore_errors=True)
    return {"parts": parts, "jobs": jobs, "merge": merged, "differ": differ[:20],
            "identical": not differ}


def shard_table(results: list[dict]) -> str:
    """Per-job and merge seconds of the sharded runs, beside the one-machine cold build."""
    lines = ["| posts | one machine, cold (s) | part jobs, cold (s each) | CPU s each | peak RSS each | merge (s) | "
             "slowest job + merge (s) | merged = one-machine build |", "|---:|---:|---|---|---|---:|---:|---|"]
    for result in results:
        sharded = result.get("sharded")
        if not sharded:
            continue
        jobs = sharded["jobs"]
        cold = result["rows"]["portal cold build"]["seconds"]
        same = "byte-identical" if sharded["identical"] else "DIFFERENT: " + ", ".join(sharded["differ"][:10])
        seconds = ", ".join(f"{job['seconds']:.1f}" for job in jobs)
        cpu = ", ".join(f"{job['cpu']:.1f}" for job in jobs)
        rss = ", ".join(f"{job['rss_kib'] / 1024:.0f} MB" for job in jobs)
        merge = sharded["merge"]["seconds"]
        slowest = max(job["seconds"] for job in jobs) + merge
        lines.append(f"| {result['count']:,} | {cold:.1f} | {seconds} | {cpu} | {rss} | {merge:.1f} ({sharded['merge']['cpu']:.1f} CPU) | "
                     f"{slowest:.1f} | {same} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- serve: save to page

SERVE_SAVES = 5  # saves measured per size


def process_cpu(pid: int) -> float:
    """CPU seconds of a process and of its children it has waited for (Linux /proc; the
    build's worker pools are joined after each build, so their time is counted)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def fetch_until(url: str, text: str, limit: float) -> float:
    """Poll `url` every 20 ms until its body holds `text`; returns the time it first did."""
    import urllib.error
    import urllib.request

    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if text.encode("utf-8") in response.read():
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise SystemExit(f"{url} never showed {text!r}")


def serve_latency(count: int, out: Path) -> dict:
    """`portal serve` on a generated portal of `count` posts: after its first build, a post
    file is saved SERVE_SAVES times (another post each time); each time, the seconds from the
    save until its page is served with the change (polled every 20 ms), and the CPU seconds
    the serve process spent meanwhile. Also the machine's load average."""
    import socket

    work = out / f"serve-n{count}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    content = work / "content"
    paths = generate(content, count)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "site_builder", "--config", str(ROOT / "site_builder" / "default_mkdocs.yml"),
               "serve", "--content", str(content), "--dev-addr", f"127.0.0.1:{port}", "--cms-port", "0"]
    with open(work / "serve.log", "wb") as log:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=log)
    saves = []
    try:
        base = f"http://127.0.0.1:{port}/"
        start = time.perf_counter()
        first = fetch_until(base, "</html>", 3600) - start
        time.sleep(2)  # the first build's stale-file pass and the browser reload settle
        for run in range(SERVE_SAVES):
            rel = paths[(len(paths) // 3 + run * 7919) % len(paths)]
            marker = f"保存测试第{run + 1}次"
            path = content / rel
            before = process_cpu(process.pid)
            saved = time.perf_counter()
            path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}。\n", encoding="utf-8")
            shown = fetch_until(base + rel[:-3] + "/", marker, 600)
            saves.append({"seconds": shown - saved, "cpu": process_cpu(process.pid) - before,
                          "load": os.getloadavg()[0]})
            time.sleep(1)
    finally:
        process.terminate()
        process.wait(60)
    ordered = sorted(saves, key=lambda row: row["seconds"])
    return {"count": count, "first_build_seconds": first, "saves": saves, "median": ordered[len(ordered) // 2]}


def serve_table(results: list[dict]) -> str:
    lines = ["| posts | first build s | save → page served, s (median; every save) | CPU s per save (median save) | load average |",
             "|---:|---:|---|---:|---:|"]
    for result in results:
        median = result["median"]
        runs = ", ".join(f"{row['seconds']:.2f}" for row in result["saves"])
        loads = ", ".join(f"{row['load']:.1f}" for row in result["saves"])
        lines.append(f"| {result['count']:,} | {result['first_build_seconds']:.1f} | {median['seconds']:.2f} ({runs}) | "
                     f"{median['cpu']:.2f} | {loads} |")
    return "\n".join(lines)


def corpus_name(count: int, body_chars: tuple) -> str:
    """The work folder of one size and body length (`n2000`, `n2000-short`)."""
    return f"n{count}" + ("" if tuple(body_chars) == BODY_CHARS else "-short")


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f", {int(handle.readline().split()[1]) / 1048576:.0f} GiB RAM"
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


def folder_cost(out: Path, count: int = 2000) -> float:
    """Microseconds to create one folder in the work folder now: on some virtual machines this
    varies tenfold from minute to minute (and the builds with it), so the table says it."""
    probe = out / "folder-probe"
    shutil.rmtree(probe, ignore_errors=True)
    start = time.perf_counter()
    for n in range(count):
        os.makedirs(probe / f"a{n % 20}" / f"b{n}")
    seconds = time.perf_counter() - start
    shutil.rmtree(probe, ignore_errors=True)
    return seconds / count * 1e6


def table(results: list[dict]) -> str:
    lines = ["| posts | build | seconds | × plain | CPU seconds | CPU × plain | CPU ms per post | peak RSS | tree PSS | search bytes |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        plain = result["rows"]["plain mkdocs-material, no search"]
        posts = f"{result['count']:,}" + (" short" if tuple(result.get("body_chars", BODY_CHARS)) != BODY_CHARS else "")
        for name, row in result["rows"].items():
            search = f"{row['search']:,}" if "search" in row else ""
            lines.append(f"| {posts} | {name} | {row['seconds']:.1f} | {row['seconds'] / plain['seconds']:.2f} | "
                         f"{row['cpu']:.1f} | {row['cpu'] / plain['cpu']:.2f} | {row['cpu'] / result['count'] * 1000:.1f} | "
                         f"{row['rss_kib'] / 1024:.0f} MB | {row.get('pss_kib', 0) / 1024:.0f} MiB | {search} |")
        cold = result["rows"]["portal cold build"]["seconds"]
        warm = result["rows"]["portal warm rebuild, 1 post edited"]["seconds"]
        def runs(name, result=result):
            return ", ".join(f"{s:.1f}" for s in result["rows"][name].get("runs", []))
        same = "byte-identical" if result["identical"] else f"DIFFERENT: {', '.join(result['differ'][:20])}"
        lines.append(f"| {posts} | warm ÷ cold = {warm / cold:.0%}; runs (s): plain {runs('plain mkdocs-material, no search')}, "
                     f"cold {runs('portal cold build')}, warm {runs('portal warm rebuild, 1 post edited')}; last warm output vs "
                     f"cold build of the edited tree: {same} | | | | | | | | |")
    return "\n".join(lines) + growth(results)


def growth(results: list[dict]) -> str:
    """How the cold build's CPU seconds per post grow from the smallest to each larger size
    of the same body length (the target: at most 1.3× from 5,000 to 50,000 posts)."""
    lines = []
    by_length: dict[tuple, list[dict]] = {}
    for result in results:
        by_length.setdefault(tuple(result.get("body_chars", BODY_CHARS)), []).append(result)
    for same in by_length.values():
        same = sorted(same, key=lambda r: r["count"])
        first = same[0]
        base = first["rows"]["portal cold build"]["cpu"] / first["count"]
        for result in same[1:]:
            per_post = result["rows"]["portal cold build"]["cpu"] / result["count"]
            lines.append(f"- cold build CPU per post at {result['count']:,} ÷ at {first['count']:,} posts: "
                         f"{per_post / base:.2f}×")
    return "\n\n" + "\n".join(lines) if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,2000,10000", help="comma-separated post counts")
    parser.add_argument("--out", default=None, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees and sites")
    parser.add_argument("--shards", type=int, default=0, metavar="N",
                        help="also build each size in N parts (portal build --shard K/N, one after another) and merge")
    parser.add_argument("--serve-sizes", default="", help="post counts for the serve save-to-page latency "
                        "(e.g. 1000,10000; Linux); with --serve-only, nothing else is measured")
    parser.add_argument("--serve-only", action="store_true", help="measure only the serve latency")
    parser.add_argument("--large", action="store_true",
                        help=f"also {LARGE:,} posts, each build once (minutes, and gigabytes of disk)")
    parser.add_argument("--short", action="store_true",
                        help=f"short posts of {SHORT_BODY_CHARS[0]}–{SHORT_BODY_CHARS[1]} characters (most 工作动态)")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each build per size (median shown)")
    args = parser.parse_args(argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="portal-bench-")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # An installed package comes with compiled bytecode (pip compiles it); an editable checkout
    # under PYTHONDONTWRITEBYTECODE would otherwise compile the portal's modules in every build.
    compileall.compile_dir(str(ROOT / "site_builder"), quiet=1)
    serving = [serve_latency(int(n), out) for n in args.serve_sizes.split(",") if n.strip()]
    if serving:
        text = f"Machine: {machine()}\n\n{serve_table(serving)}\n"
        (out / "serve.json").write_text(json.dumps(serving, indent=2), encoding="utf-8")
        (out / "serve.md").write_text(text, encoding="utf-8")
        print(text)
    if args.serve_only:
        return 0
    results = []
    costs = [folder_cost(out)]
    body_chars = SHORT_BODY_CHARS if args.short else BODY_CHARS
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] + ([LARGE] if args.large else [])
    for count in sizes:
        print(f"… {count:,} posts", file=sys.stderr, flush=True)
        results.append(run_size(count, out, 1 if count >= LARGE else args.runs, body_chars))
        if args.shards:
            results[-1]["sharded"] = run_sharded(count, out, args.shards, body_chars)
        costs.append(folder_cost(out))
        if not args.keep:
            for name in ("plain-site", "floor-site", "check-site", "cache-check"):
                shutil.rmtree(out / corpus_name(count, body_chars) / name, ignore_errors=True)
    text = (f"Machine: {machine()}; creating a folder in the work folder took "
            f"{', '.join(f'{c:.0f}' for c in costs)} µs (before the first size and after each)\n\n{table(results)}\n")
    if args.shards:
        text += f"\nSharded ({args.shards} jobs run one after another here, each with an empty cache, then merge):\n\n{shard_table(results)}\n"
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(r["identical"] and r.get("sharded", {"identical": True})["identical"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
