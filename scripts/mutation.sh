#!/usr/bin/env bash
# Mutation testing of site_builder/core/ (docs/mutation.md): each module's mutants are killed by
# the core unit tests on plain data (listed in pyproject.toml [tool.mutmut]), one module after
# another with MUTATION_JOBS workers (default 2: the two cores of the build machine; 1 leaves a core free).
#   scripts/mutation.sh                 every module of site_builder/core/ (and its packages)
#   scripts/mutation.sh stats qa        only these modules (registers.projects for a package's module)
# Needs the mutation extra: .venv/bin/pip install -e '.[test,mutation]'. Results: mutants/ (kept, so
# a second run only tests what changed), summary: scripts/mutation_report.py.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
if [ "$#" -gt 0 ]; then
  modules="$*"
else
  modules=$(cd site_builder/core && find . -name '*.py' ! -name '__init__.py' | sed 's|^\./||; s|\.py$||; s|/|.|g' | sort)
fi
# pytest's temporary folders in a private root: the shared /tmp/pytest-of-<user> may hold many large
# build folders of other test runs, which every mutant's pytest session would list and clean up.
export PYTEST_DEBUG_TEMPROOT="${PYTEST_DEBUG_TEMPROOT:-$(mktemp -d)}"
for module in $modules; do
  echo "== site_builder.core.$module"
  # mutmut draws a spinner with carriage returns: keep its summary lines and the mutants not killed
  nice -n 10 "$python" -m mutmut run --max-children "${MUTATION_JOBS:-2}" "site_builder.core.$module.*" 2>&1 | tr '\r' '\n' \
    | grep -E 'mutations/second|^🙁|^🫥|^⏰|^🤔|^🔇|Failed|Error' || true
done
"$python" scripts/mutation_report.py site_builder/core/
