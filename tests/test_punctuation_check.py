"""`portal check` warns about half-width punctuation inside Chinese sentences (core/punctuation.py):
the real command on a small content tree, read as staff read it."""

from __future__ import annotations

import pytest

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder.cli import main

GOOD_BODY = """\
会议在 3:00 开始，共 1,000 人参加。English sentence: yes, fine! Really?

命令 `portal check --format=github,text` 里的逗号不改；网址 <https://example.cn/甲,乙> 和
[链接](https://example.cn/丙,丁) 也不改。

```
代码块,照原样
```
"""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    tree = PortalTree(tmp_path)
    tree.post("tax/np/2026/bad.md", "学习会议,圆满结束", "2026-03-01",
              body="支部组织学习;党员踊跃发言 , 效果很好。\n\n**要点**:理论联系实际。")
    tree.post("tax/np/2026/good.md", "学习会议", "2026-03-02", body=GOOD_BODY)
    return tree


def check(capsys, *argv) -> tuple[int, list[str]]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, (out + err).splitlines()


def test_check_warns_with_file_line_and_the_full_width_fix(tree, capsys):
    code, lines = check(capsys)
    assert code == 0  # a warning alone never fails the check
    warnings = [line for line in lines if line.startswith("警告：")]
    bad = "content/tax/np/2026/bad.md"
    assert warnings == [
        f"警告：{bad}:2: 第 2 行第 12 个字符：中文句子里用了半角逗号“,”：“学习会议,圆满结束” 修改方法：改为全角逗号“，”：“学习会议，圆满结束”",
        f"警告：{bad}:7: 第 7 行第 7 个字符：中文句子里用了半角分号“;”：“支部组织学习;党员踊跃发言 ,” 修改方法：改为全角分号“；”：“支部组织学习；党员踊跃发言 ,”",
        f"警告：{bad}:7: 第 7 行第 15 个字符：中文句子里用了半角逗号“,”：“习;党员踊跃发言 , 效果很好。” 修改方法：改为全角逗号“，”：“习;党员踊跃发言，效果很好。”",
        f"警告：{bad}:9: 第 9 行第 7 个字符：中文句子里用了半角冒号“:”：“**要点**:理论联系实际。” 修改方法：改为全角冒号“：”：“**要点**：理论联系实际。”",
    ]
    assert "检查通过：2 篇文章" in lines[-1]


def test_check_of_named_files_and_github_annotations(tree, capsys):
    code, lines = check(capsys, "--format", "github", "content/tax/np/2026/good.md")
    assert code == 0 and not [line for line in lines if line.startswith("::")]
    code, lines = check(capsys, "--format", "github", "content/tax/np/2026/bad.md")
    annotations = [line for line in lines if line.startswith("::")]
    assert code == 0 and len(annotations) == 4
    assert annotations[0].startswith("::warning file=content/tax/np/2026/bad.md,line=2::第 2 行第 12 个字符：中文句子里用了半角逗号")


def test_register_files_and_pages_are_checked_too(tree, capsys):
    tree.write("orgs.yml", "# 组织登记表:系统和单位\n" + (tree.content / "orgs.yml").read_text(encoding="utf-8"))
    tree.write("about/index.md", "---\ntitle: 关于本站\n---\n\n本站介绍?请看下文。\n")
    _, lines = check(capsys)
    shown = [line.split(" 修改方法")[0] for line in lines if line.startswith("警告：") and "bad.md" not in line]
    assert shown == ["警告：content/about/index.md:5: 第 5 行第 5 个字符：中文句子里用了半角问号“?”：“本站介绍?请看下文。”",
                     "警告：content/orgs.yml:1: 第 1 行第 8 个字符：中文句子里用了半角冒号“:”：“# 组织登记表:系统和单位”"]


def test_a_strict_build_is_not_stopped_by_punctuation(tree):
    ok, site = build(tree, strict=True)
    assert ok
    assert "学习会议,圆满结束" in (site / "tax/np/2026/bad/index.html").read_text(encoding="utf-8")
