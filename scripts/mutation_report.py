"""Summarise the last mutmut run (mutants/**/*.meta) per module, as Markdown for docs/mutation.md.

Usage: .venv/bin/python scripts/mutation_report.py [module-prefix]
Killed counts pytest failures and timeouts; "no tests": no selected test runs the mutated function;
"other": not checked yet (or skipped). Survivors are listed by name (`mutmut show NAME`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def results(root: Path) -> dict[str, dict[str, str]]:
    """module path → mutant name → status."""
    found = {}
    for meta in sorted(root.glob("mutants/site_builder/**/*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        module = meta.relative_to(root / "mutants").as_posix()[: -len(".meta")]
        found[module] = {name: STATUS.get(code, "suspicious") for name, code in sorted(codes.items())}
    return found


def report(found: dict[str, dict[str, str]], prefix: str = "") -> str:
    lines = ["| module | mutants | killed | survived | no tests | other | killed % |", "|---|---|---|---|---|---|---|"]
    total: Counter[str] = Counter()
    survivors = []
    for module, statuses in found.items():
        if not module.startswith(prefix):
            continue
        counts = Counter(statuses.values())
        killed = counts["killed"] + counts["timeout"]
        other = len(statuses) - killed - counts["survived"] - counts["no tests"]
        total.update({"mutants": len(statuses), "killed": killed, "survived": counts["survived"],
                      "no tests": counts["no tests"], "other": other})
        share = f"{100 * killed / len(statuses):.1f}" if statuses else "—"
        lines.append(f"| {module} | {len(statuses)} | {killed} | {counts['survived']} | {counts['no tests']} | "
                     f"{other} | {share} |")
        survivors += [f"- `{name}`" for name, status in statuses.items() if status == "survived"]
    share = f"{100 * total['killed'] / total['mutants']:.1f}" if total["mutants"] else "—"
    lines.append(f"| **all** | {total['mutants']} | {total['killed']} | {total['survived']} | {total['no tests']} | "
                 f"{total['other']} | {share} |")
    return "\n".join(lines + ["", "Survived (`mutmut show NAME`):", ""] + survivors) + "\n"


if __name__ == "__main__":
    sys.stdout.write(report(results(Path.cwd()), sys.argv[1] if len(sys.argv) > 1 else ""))
