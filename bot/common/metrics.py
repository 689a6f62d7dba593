"""Prometheus metrics (prometheus-client): one registry per process, bounded labels only.

No label ever holds a user id, a chat id, a text or anything a resident typed: platforms,
outcomes, statuses and intent names come from short fixed sets (an unknown intent name is
counted as `other`). Counters move where the work happens (cheap increments); the gauges
that need a database query are filled by bot.runtime.metrics_sample when /metrics is scraped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

REGISTRY = CollectorRegistry()  # this process's own, served by its own /metrics
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
PLATFORMS = ("line", "telegram", "local")
_INTENT = re.compile(r"[a-z_]{1,24}")
MAX_INTENTS = 60  # more distinct names than the bot has: a bug, counted as "other"
_seen_intents: set[str] = set()

WEBHOOKS = Counter("civicbot_webhooks", "Webhook requests by platform and outcome",
                   ["platform", "outcome"], registry=REGISTRY)
TURNS = Counter("civicbot_turns", "Turns run, by platform and intent", ["platform", "intent"],
                registry=REGISTRY)
ANSWERS = Counter("civicbot_answers", "Answers delivered, by platform and how (reply: LINE "
                  "reply token; push: a pushed or sent message)", ["platform", "how"],
                  registry=REGISTRY)
CONFIDENCE = Counter("civicbot_answer_confidence", "Questions by answer confidence band "
                     "(high: answered, medium: suggestions offered, low: not known)",
                     ["band"], registry=REGISTRY)
SCORE = Histogram("civicbot_answer_score", "Best FAQ match score of questions",
                  buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), registry=REGISTRY)
CALLS = Counter("civicbot_delivery_attempts", "Platform API calls made", ["platform"],
                registry=REGISTRY)
FAILURES = Counter("civicbot_delivery_failures", "Platform API calls that failed, by kind "
                   "(rate_limited, quota, refused, unavailable)", ["platform", "kind"],
                   registry=REGISTRY)
RATE_LIMITED = Counter("civicbot_delivery_429", "Platform answers 429 (rate limit or quota)",
                       ["platform"], registry=REGISTRY)
DB_ERRORS = Counter("civicbot_database_errors", "Database (or network) errors, by where",
                    ["where"], registry=REGISTRY)
DRAINING = Gauge("civicbot_draining", "1 while this process stops (SIGTERM/SIGINT)",
                 registry=REGISTRY)
READY = Gauge("civicbot_ready", "1 when /readyz would say ready (state only)",
              registry=REGISTRY)
# Sampled (bot.runtime.metrics_sample): the shared database's view, the same from every process.
INBOX = Gauge("civicbot_inbox_events", "Inbound events waiting or dead, by status",
              ["status"], registry=REGISTRY)
INBOX_OLDEST = Gauge("civicbot_inbox_oldest_waiting_seconds",
                     "Age of the oldest event still waiting (0: none)", registry=REGISTRY)
JOBS_DUE = Gauge("civicbot_jobs_due", "Jobs due and not leased", registry=REGISTRY)
JOBS_LAG = Gauge("civicbot_jobs_lag_seconds", "How late the oldest due job is (0: none)",
                 registry=REGISTRY)
BROADCASTS = Gauge("civicbot_broadcasts", "Broadcasts scheduled or sending", ["status"],
                   registry=REGISTRY)
BROADCAST_RECIPIENTS = Gauge("civicbot_broadcast_recipients", "Recipients of broadcasts "
                             "being sent: total, sent, failed, skipped", ["state"],
                             registry=REGISTRY)
TICKETS_OPEN = Gauge("civicbot_tickets_open", "Hand-off tickets open", registry=REGISTRY)
TICKETS_UNCLAIMED = Gauge("civicbot_tickets_unclaimed", "Open tickets no volunteer claimed",
                          registry=REGISTRY)
TICKETS_WAIT = Gauge("civicbot_tickets_unclaimed_oldest_seconds",
                     "Wait of the oldest unclaimed ticket (0: none)", registry=REGISTRY)
LINE_QUOTA_LEFT = Gauge("civicbot_line_quota_remaining", "LINE messages left this month "
                        "(sampled every few minutes; absent while unknown)", registry=REGISTRY)
LINE_QUOTA_LIMIT = Gauge("civicbot_line_quota_limit", "LINE monthly message quota",
                         registry=REGISTRY)
SAMPLED_AT = Gauge("civicbot_sampled_timestamp_seconds", "When the sampled gauges were last "
                   "read from the database", registry=REGISTRY)
SAMPLE_FAILURES = Counter("civicbot_sample_failures", "Sampling the database gauges failed "
                          "or timed out", registry=REGISTRY)


def platform_label(platform: str) -> str:
    """A platform name as a label (anything else: other)."""
    return platform if platform in PLATFORMS else "other"


def intent_label(intent: object) -> str:
    """An intent name as a bounded label."""
    name = str(intent) if intent else "none"
    if not _INTENT.fullmatch(name):
        return "other"
    if name not in _seen_intents:
        if len(_seen_intents) >= MAX_INTENTS:
            return "other"
        _seen_intents.add(name)
    return name


def observe_turn(platform: str, meta: Mapping[str, object]) -> None:
    """Count a turn by intent; a question's confidence band and score."""
    intent = meta.get("intent")
    TURNS.labels(platform_label(platform), intent_label(intent)).inc()
    band = _band(meta)
    if band is None:
        return
    CONFIDENCE.labels(band).inc()
    score = meta.get("score")
    if isinstance(score, (int, float)):
        SCORE.observe(float(score))


def _band(meta: Mapping[str, object]) -> str | None:
    if meta.get("intent") == "faq" and meta.get("faq_id"):
        return "high"
    if meta.get("intent") != "unknown":
        return None  # not a question (a greeting, a menu, a flow step)
    return "medium" if meta.get("suggestions") else "low"


def answered(platform: str, how: str) -> None:
    """An event's answer went out (how: reply or push)."""
    ANSWERS.labels(platform_label(platform), how).inc()


def api_call(platform: str) -> None:
    """A call to a platform's API is about to be made."""
    CALLS.labels(platform_label(platform)).inc()


def api_failed(platform: str, status: int, *, quota: bool = False,
               permanent: bool = False) -> None:
    """A platform call failed (status 0: no answer)."""
    label = platform_label(platform)
    if status == 429:
        RATE_LIMITED.labels(label).inc()
    kind = ("quota" if quota else "rate_limited" if status == 429
            else "refused" if permanent else "unavailable")
    FAILURES.labels(label, kind).inc()


def database_error(where: str) -> None:
    """The database (or the network to it) failed somewhere (a fixed name, not a message)."""
    DB_ERRORS.labels(where).inc()


def exposition() -> tuple[bytes, str]:
    """This process's metrics in Prometheus' text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
