"""deploy/: the systemd units, the nginx config and the Prometheus rules are valid as shipped."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.common import metrics

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _tool(name: str) -> str:
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if Path(p).exists()), None)
    if path is None:
        pytest.skip(f"{name} is not installed here (scripts/test.sh installs it with apt)")
    return path


def test_nginx_accepts_the_upstream_config(tmp_path: Path) -> None:
    nginx = _tool("nginx")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    temps = "".join(f"{kind}_temp_path {tmp_path / sub};\n" for kind, sub in (
        ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
        ("uwsgi", "uwsgi"), ("scgi", "scgi")))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
                    f"events {{}}\nhttp {{\naccess_log off;\n{temps}"
                    f"include {DEPLOY / 'nginx' / 'civic-bot.conf'};\n}}\n")
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    python = str(Path(sys.executable))
    unit = (DEPLOY / "systemd" / "civic-bot@.service").read_text()
    # The shipped paths (/opt/civic-bot) as they are on this machine, so that ExecStart's
    # program exists; everything else is verified as shipped.
    unit = unit.replace("/opt/civic-bot/.venv/bin/python", python).replace(
        "/opt/civic-bot", str(ROOT))
    (tmp_path / "civic-bot@.service").write_text(unit)
    (tmp_path / "civic-bot@8081.service").write_text(unit)
    shutil.copy(DEPLOY / "systemd" / "civic-bot.target", tmp_path)
    done = subprocess.run([analyze, "verify", "--man=no", "civic-bot@8081.service",
                           "civic-bot.target"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0 and "Failed to initialize manager" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    assert "Unknown" not in done.stderr and "ignoring" not in done.stderr, done.stderr
    assert "PORT=%i" in unit and "run.py migrate" in unit


def test_alert_rules_use_metrics_the_bot_serves() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "civic-bot-alerts.yml").read_text())
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["civic-bot-alerts.yml"]
    assert config["scrape_configs"][0]["authorization"]["type"] == "Bearer"
    served = {name for family in metrics.REGISTRY.collect() for s in family.samples
              for name in (s.name, family.name)} | {"up"}
    alerts = {r["alert"]: r["expr"] for g in rules["groups"] for r in g["rules"]}
    for wanted in ("CivicBotBacklogOld", "CivicBotDeadEvents", "CivicBotLineQuotaLow",
                   "CivicBot429Rate", "CivicBotNoAnswers"):
        assert wanted in alerts
    for name, expr in alerts.items():
        used = set(re.findall(r"\b(civicbot_[a-z0-9_]+|up)\b", expr))
        assert used and used <= served | _declared(), (name, used - served)


def _declared() -> set[str]:
    """Metric names with labels but no sample yet (a labelled counter shows none until used)."""
    names = set()
    for family in metrics.REGISTRY.collect():
        names |= {family.name, f"{family.name}_total"}
    return names
