#!/usr/bin/env bash
# Create .venv and install the bot with its test tools (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[dev]"
