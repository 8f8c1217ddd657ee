"""`portal merge PART… --site DIR`: join the parts of a sharded build into one site.

Each part folder holds the files its job wrote and a manifest (`shards.MANIFEST`, see
shards.py for what it records). The parts are checked first — every part of the same N once,
built from the same tree, mkdocs.yml, code and SOURCE_DATE_EPOCH, no file in two parts, each
folder holding exactly the files its manifest lists — and only then copied into a temporary
folder that replaces the site at once (the old site stays when anything is wrong). Every
refusal is one Chinese line saying which part, what is wrong and what to do.
"""

from __future__ import annotations

import json
import os
import shutil

from .locking import exclusive, site_lock_path
from .shards import FORMAT, MANIFEST
from .workers import BuildMode

REBUILD_ALL = "请用同一提交、同一 mkdocs.yml 和同一 SOURCE_DATE_EPOCH 重新构建全部分片后再合并"


class MergeError(Exception):
    """Parts that cannot be joined; `lines` says why, in Chinese, one line each."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def read_manifest(folder: str) -> dict:
    """The manifest of one part folder; MergeError when the folder is not a part."""
    path = os.path.join(folder, MANIFEST)
    if not os.path.isdir(folder):
        raise MergeError([f"找不到分片文件夹“{folder}”：请检查路径（应为 portal build --shard K/N 的 --site 文件夹）"])
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        raise MergeError([f"“{folder}”不是 portal build --shard 生成的分片（缺少或无法读取 {MANIFEST}）："
                          "请传入各分片构建的 --site 文件夹"]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise MergeError([f"“{folder}”的 {MANIFEST} 格式不对（由其他版本的 portal 生成）：请用同一版本重新构建全部分片"])
    return manifest


def check_parts(parts: list[tuple[str, dict]]) -> list[str]:
    """Why these (folder, manifest) pairs are not the parts of one site (empty: they are)."""
    problems = _check_numbers(parts)
    if problems:
        return problems
    problems = _check_same_build(parts)
    return problems or _check_files(parts)


def _label(folder: str, manifest: dict) -> str:
    return f"“{folder}”（第 {manifest['part']}/{manifest['parts']} 份）"


def _check_numbers(parts: list[tuple[str, dict]]) -> list[str]:
    counts = sorted({m["parts"] for _, m in parts})
    if len(counts) > 1:
        listing = "、".join(_label(f, m) for f, m in parts)
        return [f"分片的总份数不一致（{listing}）：同一次构建的各分片须用相同的 N（--shard K/N），{REBUILD_ALL}"]
    total = counts[0]
    problems: list[str] = []
    seen: dict[int, str] = {}
    for folder, manifest in parts:
        number = manifest["part"]
        if number in seen:
            problems.append(f"第 {number}/{total} 份给了两次：“{seen[number]}”和“{folder}”。每一份只传一次")
        seen[number] = folder
    missing = [str(n) for n in range(1, total + 1) if n not in seen]
    if missing:
        problems.append(f"缺少第 {'、'.join(missing)} 份（共 {total} 份）：请把 portal build --shard K/{total} "
                        f"的全部 {total} 份输出都传给 portal merge")
    return problems


def _check_same_build(parts: list[tuple[str, dict]]) -> list[str]:
    """Same epoch, settings, split and shared content; each system as part 1 saw it."""
    first_folder, first = next((f, m) for f, m in parts if m["part"] == 1)
    problems = []
    what = {"epoch": "SOURCE_DATE_EPOCH（构建时间）", "settings": "mkdocs.yml、主题或 portal 程序版本",
            "plan": "系统的分片方案（文章数不同的内容树）", "shared": "系统文件夹以外的内容（orgs.yml、台账、普通页面）或文章的标题、日期等信息"}
    for folder, manifest in sorted(parts, key=lambda item: item[1]["part"]):
        if manifest is first:
            continue
        for field, name in what.items():
            if manifest.get(field) != first.get(field):
                extra = f"（{manifest.get(field)} 与 {first.get(field)}）" if field == "epoch" else ""
                problems.append(f"{_label(folder, manifest)}与{_label(first_folder, first)}的{name}不同{extra}："
                                f"它们不是同一内容树的分片，{REBUILD_ALL}")
                break
        else:
            for system in sorted(s for s, p in manifest["plan"].items() if p == manifest["part"]):
                if manifest["systems"].get(system) != first["systems"].get(system):
                    problems.append(f"{_label(folder, manifest)}与{_label(first_folder, first)}构建时 content/{system}/ "
                                    f"的内容不同：请用同一提交重新构建这两份（第 {manifest['part']} 份和第 1 份）后再合并")
    return problems


def _check_files(parts: list[tuple[str, dict]]) -> list[str]:
    """Each folder holds exactly the files its manifest lists; no file is in two parts."""
    problems: list[str] = []
    where: dict[str, str] = {}
    for folder, manifest in parts:
        listed = set(manifest["files"])
        present = set(_files(folder)) - {MANIFEST}
        for names, change in ((sorted(listed - present), "缺少清单中列出"), (sorted(present - listed), "多出清单中没有")):
            if names:
                more = f"等 {len(names)} 个" if len(names) > 1 else ""
                problems.append(f"{_label(folder, manifest)}{change}的文件“{names[0]}”{more}："
                                "分片在构建后被改动或传输不完整，请重新构建这一份")
        for name in sorted(listed):
            if name in where:
                problems.append(f"文件“{name}”同时出现在“{where[name]}”和“{folder}”中：分片必须互不重叠，{REBUILD_ALL}")
            where.setdefault(name, folder)
    return problems


def _files(folder: str) -> list[str]:
    found = []
    for current, _, names in os.walk(folder):
        rel_dir = os.path.relpath(current, folder).replace(os.sep, "/")
        found += [name if rel_dir == "." else f"{rel_dir}/{name}" for name in names]
    return found


def merge(part_folders: list[str], site: str) -> int:
    """Check the parts and copy them into `site` (swapped in at once); returns how many files."""
    from .sitebuild import _repair, _swap

    parts = [(folder, read_manifest(folder)) for folder in part_folders]
    problems = check_parts(parts)
    if problems:
        raise MergeError(problems)
    target = os.path.abspath(site)
    temporary = target.rstrip(os.sep) + ".portal-tmp"
    count = 0
    with exclusive([site_lock_path(target)], lambda lock: None):
        _repair(target)
        shutil.rmtree(temporary, ignore_errors=True)
        os.makedirs(temporary)
        try:
            for folder, manifest in parts:
                count += _copy_part(folder, manifest["files"], temporary)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        _swap(temporary, target, BuildMode())
    return count


def _copy_part(folder: str, files: list[str], output: str) -> int:
    made: set[str] = set()
    for name in files:
        target = os.path.join(output, *name.split("/"))
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        shutil.copyfile(os.path.join(folder, *name.split("/")), target)
    return len(files)
