#!/usr/bin/env bash
# Install, then run every check: content, lint, types, the test suite (SQLite, PostgreSQL, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's chromium; without a CJK font it draws Chinese as boxes.
# fonts-noto-cjk also draws the LINE rich menu image (run.py line richmenu); the emoji font
# makes the web chat's screenshots (test-artifacts/) show emoji rather than boxes.
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK" \
    || ! fc-list 2>/dev/null | grep -q "Noto Color Emoji"; then
  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji \
    >/dev/null) || echo "chromium, fonts-noto-cjk or fonts-noto-color-emoji not installed"
fi
# nginx: tests/test_deploy.py runs `nginx -t` on deploy/nginx (it skips, saying so, without it).
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null) \
    || echo "nginx-light not installed"
fi
.venv/bin/python run.py check-content
.venv/bin/ruff check .
.venv/bin/mypy bot run.py
.venv/bin/pytest -q "$@"
