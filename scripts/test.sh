#!/usr/bin/env bash
# Install, then run every check: content, lint, types, the test suite (SQLite, PostgreSQL, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null; then  # the browser test drives Debian's chromium
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed"
fi
.venv/bin/python run.py check-content
.venv/bin/ruff check .
.venv/bin/mypy bot run.py
.venv/bin/pytest -q "$@"
