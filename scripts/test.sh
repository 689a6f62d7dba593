#!/usr/bin/env bash
# Install, then run every check: content, lint, types, the test suite (SQLite, PostgreSQL, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's chromium; without a CJK font it draws Chinese as boxes.
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
    || echo "chromium or fonts-noto-cjk not installed"
fi
.venv/bin/python run.py check-content
.venv/bin/ruff check .
.venv/bin/mypy bot run.py
.venv/bin/pytest -q "$@"
