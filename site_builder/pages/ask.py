"""The 如何提问 page (/qa/ask/): the ways a question gets in — the issue form (written at once as a
pending post, reviewed by the platform's administrators), a pull request, and a contact per
system for people without an account — and how a unit answers."""

from __future__ import annotations

from html import escape

from .links import a

ASK_URL = "qa/ask/"
STATS_URL = "stats/"


def ask_html(build, unit_ids_table: str, example_unit: str) -> str:
    """HTML body of the 如何提问 page."""
    here, limit = ASK_URL, build.config.qa_overdue_workdays
    example = ("---\ntitle: 问题的简短标题\ndate: 2026-11-20\ntype: qa\nkind: question   # 意见建议写 suggestion\n"
               "question: 问题的完整内容\nasked_by: 提问人\n---\n")
    answer = "answered: 2026-11-24\n"
    command = (f'portal new --unit {example_unit} --type qa --title "问题的简短标题" '
               '--question "问题的完整内容" --asked-by "提问人"')
    return "".join([
        f'<p>有问必答栏目受理问题和意见建议，由被提问的单位负责答复。提问后超过 {limit} 个工作日'
        f'（按工作日历计算，扣除法定节假日）未答复的，会在{a("qa/", here, "有问必答")}页面标为“逾期”，'
        f'并在{a(STATS_URL, here, "信息工作通报")}中扣分。问题转给其他单位办理（转办）后，等待时间仍从提问之日算起。</p>',
        "<h2>方式一：网上提问（不需要会用 Git）</h2>",
        "<ol><li>打开本平台代码仓库的 Issues 页面，点“New issue（新建）”，选择“有问必答：我要提问”；</li>"
        "<li>填写答复单位（系统/单位编号，见下表）、类型（问题或意见建议）、内容和提问人，提交；</li>"
        "<li>系统立即把它写成答复单位的一篇“待答复”文章，并发起合并请求。审核人是<strong>平台管理员</strong>，"
        "不是被提问的单位：管理员只看是否为有效提问、有无个人隐私，不需要被提问单位同意；</li>"
        "<li>合并后问题出现在“待答复”列表中，等待时间从提交的那一刻算起。</li></ol>",
        "<h2>方式二：没有账号的群众</h2>",
        "<p>可以通过下列联系方式提问，工作人员会以收到之日为提问日期，代为录入网站：</p>",
        contacts_table(build),
        "<h2>方式三：提交拉取请求（Pull Request）</h2>",
        "<p>在项目根目录运行下面的命令（--unit 写答复单位，见下表），命令在答复单位的文件夹中写好问题文章并打印文件路径：</p>",
        f"<pre><code>{escape(command)}</code></pre>",
        "<p>生成的文件头部信息大致如下，正文留空表示“待答复”：</p>",
        f"<pre><code>{escape(example)}</code></pre>",
        "<h2>答复单位如何答复</h2>",
        f"<p>在问题文章的头部信息中加一行答复日期，并在头部信息下面写答复内容（不能为空）：</p><pre><code>{escape(answer)}</code></pre>",
        "<p>需要其他单位办理的，把文章移到该单位的文件夹，并加上 transferred_from（转出单位）和 transferred_on（转办日期）。</p>",
        "<p>合并后，问题移到“已答复”列表，并计入本单位的答复数和答复用时。</p>",
        "<h2>可以提问的单位</h2>", unit_ids_table,
    ])


def system_contact(build, system) -> str | None:
    """The contact of a system for people without an account: `content/ask.yml`, else the
    `contact` of its province units in orgs.yml."""
    found = build.config.ask.contact(system.id)
    if found:
        return found
    contacts = [f"{u.name} {u.contact}" for u in system.roots() if getattr(u, "contact", None)]
    return "；".join(contacts) or None


def contacts_table(build) -> str:
    """One row per system: its name and how to reach it."""
    rows = "".join(f"<tr><td>{escape(s.name)}</td><td>{escape(system_contact(build, s) or '—')}</td></tr>"
                   for s in build.portal.orgs.systems.values())
    return ('<div class="portal-table-wrap portal-ask-contacts"><table><thead><tr><th>系统</th><th>联系方式</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div>")
