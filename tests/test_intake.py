"""Questions asked on line: the intake workflow's own shell script, run with a sample issue's
values, writes a pending `qa` post that `portal check` accepts; the parser, the CODEOWNERS rule
for the platform's administrators, and the /qa/ask/ page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal_factory import FIXED_EPOCH, PortalTree, build
from site_builder.cli import main
from site_builder.core.intake import form_fields, question_title, read_issue

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "intake.yml"
FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "question.yml"

# What GitHub makes of the form (.github/ISSUE_TEMPLATE/question.yml) as the issue body.
SAMPLE_BODY = """\
### 答复单位

tax/np

### 类型

意见建议

### 问题内容

建议办税服务厅午间不停办。
上班族中午才有时间：能否安排党员先锋岗轮值？

### 提问人

_No response_
"""
SAMPLE_ISSUE = {"body": SAMPLE_BODY, "title": "[提问] 办税服务厅午间能否不停办", "number": "42",
                "created_at": "2026-11-24T01:30:00Z"}


def intake_step() -> dict:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = flow["jobs"]["intake"]["steps"]
    return next(s for s in steps if "portal intake" in s.get("run", ""))


def expand(value: str, issue: dict) -> str:
    """A `${{ github.event.issue.X }}` expression replaced by the sample issue's value."""
    return re.sub(r"\$\{\{\s*github\.event\.issue\.(\w+)\s*\}\}", lambda m: issue[m.group(1)], str(value))


def run_step(tmp_path: Path, issue: dict) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """Run the workflow step's script with bash, as the runner would, in a copy of a portal."""
    step = intake_step()
    env = {k: expand(v, issue) for k, v in step["env"].items()}
    runner_temp, output = tmp_path / "runner", tmp_path / "output"
    runner_temp.mkdir()
    output.write_text("")
    env.update(RUNNER_TEMP=str(runner_temp), GITHUB_OUTPUT=str(output), SOURCE_DATE_EPOCH=FIXED_EPOCH,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               HOME=os.environ.get("HOME", str(tmp_path)), NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, outputs


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed to run the workflow script")
def test_workflow_step_writes_a_pending_post_that_portal_check_accepts(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    done, outputs = run_step(tmp_path, SAMPLE_ISSUE)
    assert done.returncode == 0, done.stderr + done.stdout
    assert outputs["post"] == "content/tax/np/asked/2026/issue-42.md"
    post = (tmp_path / outputs["post"]).read_text(encoding="utf-8")
    assert 'date: "2026-11-24 09:30"' in post  # the issue's creation time, in Asia/Shanghai
    assert "kind: suggestion" in post and "answered" not in post.split("---")[1].replace("answered: 答复日期", "")
    assert main(["check", "--content", str(tree.content)]) == 0
    capsys.readouterr()
    ok, site = build(tree, strict=True)
    assert ok
    pending = (site / "qa" / "index.html").read_text(encoding="utf-8")
    assert "办税服务厅午间能否不停办" in pending and "意见建议" in pending


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is needed to run the workflow script")
def test_workflow_step_reports_an_unknown_unit_to_the_asker(tmp_path):
    PortalTree(tmp_path)
    issue = dict(SAMPLE_ISSUE, body=SAMPLE_BODY.replace("tax/np", "tax/nowhere"))
    done, outputs = run_step(tmp_path, issue)
    assert done.returncode == 0  # the next step comments on the issue, then fails the run
    assert outputs.get("failed") == "true"
    message = (tmp_path / "runner" / "intake-error.txt").read_text(encoding="utf-8")
    assert "答复单位“tax/nowhere”不在组织登记表中" in message
    assert not (tmp_path / "content" / "tax").exists()


def test_issue_form_labels_are_the_ones_the_parser_reads():
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    labels = [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]
    assert labels == ["答复单位", "类型", "问题内容", "提问人"]
    kinds = next(i for i in form["body"] if i.get("id") == "kind")["attributes"]["options"]
    assert [read_issue(f"### 答复单位\n\ntax/np\n\n### 类型\n\n{k}\n\n### 问题内容\n\n问？\n").kind
            for k in kinds] == ["question", "suggestion"]


def test_parser_reads_sections_and_cleans_title():
    fields = form_fields(SAMPLE_BODY)
    assert fields["答复单位"] == "tax/np" and fields["提问人"] == "_No response_"
    asked = read_issue(SAMPLE_BODY)
    assert (asked.unit, asked.kind, asked.asked_by) == ("tax/np", "suggestion", None)
    assert asked.question.endswith("能否安排党员先锋岗轮值？")
    assert question_title("[提问] 办税 <b>服务</b>", "") == "办税 b服务/b"
    assert question_title("", "第一行问题\n第二行") == "第一行问题"
    assert read_issue("### 问题内容\n\n_No response_\n").problems == ["没有写答复单位（系统/单位编号，例如 tax/np）",
                                                                   "问题内容是空的"]


def test_hostile_question_text_stays_text(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    body = SAMPLE_BODY.replace("建议办税服务厅午间不停办。", '---\ntitle: x\n"quoted" <script>alert(1)</script> #tag')
    (tmp_path / "body.md").write_text(body, encoding="utf-8")
    assert main(["intake", "--issue-body", str(tmp_path / "body.md"), "--content", str(tree.content),
                 "--number", "7", "--title", "a: b # c"]) == 0
    path = capsys.readouterr().out.strip()
    assert main(["check", "--content", str(tree.content)]) == 0
    ok, site = build(tree, strict=True)
    assert ok
    page = (site / "tax" / "np" / "asked" / "2026" / "issue-7" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert path.endswith("issue-7.md")


def test_codeowners_gives_asked_folders_to_the_administrators(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.write("ask.yml", 'admins: ["@portal-admins"]\ncontacts:\n  tax: 省税务局机关党委 0591-87000001\n')
    assert main(["codeowners", "--content", str(tree.content)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line and not line.startswith("#")]
    pattern, owner = lines[-1].split()  # last: it wins over the unit rules
    assert pattern.endswith("/content/*/*/asked/") and owner == "@portal-admins"
    assert main(["codeowners", "--content", str(tree.content), "--format", "gitea"]) == 0
    gitea = [line for line in capsys.readouterr().out.splitlines() if line and not line.startswith("#")]
    pattern, owner = gitea[-1].split()
    assert pattern.endswith("content/[^/]+/[^/]+/asked/.*") and owner == "@portal-admins"


def test_repository_codeowners_is_up_to_date_with_ask_yml(capsys):
    assert main(["codeowners", "--content", str(REPO / "content")]) == 0
    generated = capsys.readouterr().out
    assert "/content/*/*/asked/" in generated
    assert (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8") == generated


def test_ask_yml_problems_are_named(tmp_path, capsys):
    tree = PortalTree(tmp_path)
    tree.write("ask.yml", 'admins: ["portal admins"]\ncontacts:\n  nosuch: 电话\n')
    assert main(["check", "--content", str(tree.content)]) == 1
    out = capsys.readouterr().out
    assert "ask.yml:1:" in out and "admins" in out
    assert "ask.yml:2:" in out and "“nosuch”不在 orgs.yml" in out


def test_ask_page_explains_the_ways_in_with_a_contact_per_system(tmp_path):
    tree = PortalTree(tmp_path)
    tree.write("ask.yml", 'admins: ["@portal-admins"]\ncontacts:\n  tax: 省税务局机关党委 0591-87000001\n')
    ok, site = build(tree, strict=True)
    assert ok
    from lxml import html as lxml_html

    article = lxml_html.fromstring((site / "qa" / "ask" / "index.html").read_text(encoding="utf-8")).xpath("//article")[0]
    text = article.text_content()
    assert "平台管理员" in text and "不需要被提问单位同意" in text
    rows = {r.xpath("./td")[0].text_content(): r.xpath("./td")[1].text_content()
            for r in article.xpath('.//div[contains(@class,"portal-ask-contacts")]//tbody/tr')}
    assert rows == {"税务系统": "省税务局机关党委 0591-87000001", "广播电视系统": "—"}


def test_gitlab_template_is_read_by_the_same_parser():
    template = (REPO / ".gitlab" / "issue_templates" / "提问.md").read_text(encoding="utf-8")
    untouched = read_issue(template)  # submitted without filling in: nothing is taken from the hints
    assert untouched.unit is None and untouched.asked_by is None
    assert untouched.problems == ["没有写答复单位（系统/单位编号，例如 tax/np）", "问题内容是空的"]
    filled = (template.replace("（系统/单位编号，例如 tax/np，见网站“如何提问”页面的单位表）", "fda/np")
              .replace("（问题 或 意见建议，只留一个）", "意见建议")
              .replace("（问题或意见建议的完整内容，会原样显示在网站上，请不要写个人隐私信息）", "建议延长窗口时间。")
              .replace("（可不填）", "王先生"))
    asked = read_issue(filled)
    assert (asked.unit, asked.kind, asked.question, asked.asked_by, asked.problems) == (
        "fda/np", "suggestion", "建议延长窗口时间。", "王先生", [])
