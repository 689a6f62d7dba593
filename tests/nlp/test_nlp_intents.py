"""Flow intents from content/intents.yaml: a table, the tricky pairs, and the loader's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.intents import IntentRules
from bot.nlp.normalize import Normalizer, compact
from bot.nlp.understander import Understander
from tests.nlp.conftest import CONTENT


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_dir(CONTENT / "nlp")


@pytest.fixture(scope="module")
def rules(norm: Normalizer) -> IntentRules:
    return IntentRules.from_yaml(CONTENT / "intents.yaml", norm)


TABLE = [
    # propose: the bot walks them through it
    ("我要提案", "propose", None),
    ("我想提案", "propose", None),
    ("幫我寫構想書", "propose", None),
    ("怎麼寫構想書", "propose", None),
    ("構想書要怎麼寫？", "propose", None),
    ("I want to propose something", "propose", None),
    # register
    ("報名初階課程", "register", "course"),
    ("我想報名走讀", "register", "walk"),
    ("我要報名審議員培訓", "register", "course"),
    ("sign up for the walking tour", "register", "walk"),
    ("我要報名", "register", None),
    # i-Voting reminders
    ("i-Voting 提醒我", "ivoting", "subscribe"),
    ("開始投票時通知我", "ivoting", "subscribe"),
    ("訂閱投票通知", "ivoting", "subscribe"),
    ("remind me when i-voting starts", "ivoting", "subscribe"),
    ("取消投票提醒", "ivoting", "unsubscribe"),
    ("不要再提醒我了", "ivoting", "unsubscribe"),
    ("關掉 ivoting 通知", "ivoting", "unsubscribe"),
    # hand-off
    ("真人", "handoff", None),
    ("客服", "handoff", None),
    ("我要找真人客服", "handoff", None),
    ("找志工", "handoff", None),
    ("轉人工", "handoff", None),
    ("can I talk to a human", "handoff", None),
    # social and commands (whole message only)
    ("你好", "greeting", None),
    ("嗨～", "greeting", None),
    ("hello!", "greeting", None),
    ("早安", "greeting", None),
    ("謝謝你", "thanks", None),
    ("選單", "menu", None),
    ("功能", "menu", None),
    ("help", "help", None),
    ("取消", "cancel", None),
    ("算了", "cancel", None),
]

NOT_INTENTS = [
    "什麼是i-Voting",            # a question about i-Voting, not a reminder
    "i-Voting投票人數",
    "有哪些參與式預算課程",       # courses: FAQ; registering: intent
    "參與式預算課程怎麼報名",     # asking how to register is an FAQ question
    "走讀什麼時候舉辦",
    "有人可以教我寫提案嗎",       # asking who helps: FAQ
    "誰可以幫我寫構想書",
    "我想提案要去哪裡",
    "我可以提案嗎",
    "你好，住民大會在哪裡",       # a greeting inside a question is the question
    "pb.taipei有哪些功能",
    "人工智慧的應用",             # AI, not a human operator
    "取消的提案還能恢復嗎",
    "臨櫃報名課程",               # naming a channel asks about that channel
    "線上報名課程活動",
    "大學老師會協助提案嗎",       # whether someone helps: FAQ
    "Who can help me write a proposal?",
]


@pytest.mark.parametrize(("text", "intent", "action"), TABLE)
def test_intent_table(rules: IntentRules, norm: Normalizer, text: str, intent: str,
                      action: str | None) -> None:
    found = rules.detect(compact(norm(text)))
    assert found is not None, text
    assert (found.intent, found.action) == (intent, action)


@pytest.mark.parametrize("text", NOT_INTENTS)
def test_questions_are_not_flow_intents(rules: IntentRules, norm: Normalizer,
                                        text: str) -> None:
    assert rules.detect(compact(norm(text))) is None


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "intents.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "message"), [
    ("intents:\n  - {intent: dance, patterns: [跳舞]}\n", "unknown intent"),
    ("intents:\n  - {intent: ivoting, action: maybe, patterns: [提醒]}\n", "action"),
    ("intents:\n  - {intent: menu, patterns: ['(選單']}\n", "bad pattern"),
    ("intents:\n  - {intent: menu}\n", "no patterns"),
    ("intents: {menu: 選單}\n", "list of rules"),
])
def test_loader_names_the_problem(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IntentRules.from_yaml(_write(tmp_path, body))


def test_patterns_follow_the_text_script(tmp_path: Path) -> None:
    rules = IntentRules.from_yaml(_write(tmp_path, "intents:\n  - {intent: menu, "
                                                   "patterns: ['^主選單$']}\n"))
    found = rules.detect(compact(Normalizer()("主选单")))
    assert found is not None and found.intent == "menu"


# The requests the flows behind the intents are built for (both stages, the real content).
REQUESTS = [
    ("我想寫個提案", "propose", None), ("我想起草提案", "propose", None),
    ("幫我寫構想書", "propose", None), ("我想報名走讀", "register", "walk"),
    ("幫我報名進階班", "register", "course"), ("我想報初階課", "register", "course"),
    ("有什麼課程", "register", "course"), ("士林區這個月有什麼活動", "register", None),
    ("最近有什麼走讀", "register", "walk"), ("投票開始時提醒我", "ivoting", "subscribe"),
    ("之後不用再提醒我了", "ivoting", "unsubscribe"), ("不用再提醒了", "ivoting", "unsubscribe"),
    ("i-Voting 什麼時候", "ivoting", "when"), ("什麼時候可以投票", "ivoting", "when"),
    ("訂閱士林區活動通知", "news", "subscribe"), ("我想收到大安區的活動消息", "news", "subscribe"),
    ("取消士林區的通知", "news", "unsubscribe"), ("我要找真人", "handoff", None),
    ("轉給承辦人", "handoff", None), ("我想請承辦人回我", "handoff", None),
    ("可以找志工嗎", "handoff", None),
]


@pytest.mark.parametrize(("text", "intent", "action"), REQUESTS)
def test_requests_start_their_flows(real_nlp: Understander, text: str, intent: str,
                                    action: str | None) -> None:
    u = real_nlp.understand(text)
    assert (u.intent, u.action) == (intent, action)


@pytest.mark.parametrize("text", [
    "初階課程在教什麼", "課程怎麼報名", "走讀要錢嗎", "i-Voting是哪一年開始的",
    "什麼是i-Voting", "2017年i-Voting有多少人投票", "諮詢櫃檯可以幫忙什麼",
])
def test_questions_about_a_flow_stay_questions(real_nlp: Understander, text: str) -> None:
    assert real_nlp.understand(text).intent == "faq"


@pytest.mark.parametrize(("text", "not_this"), [
    ("我想報名游泳課", "register"),         # not one of our courses (all_known)
    ("市長選舉什麼時候投票", "ivoting"),    # another election
    ("提醒我明天繳電費", "ivoting"),
    ("投票通知單沒收到怎麼辦", "ivoting"),
    ("志工服務時數怎麼登錄", "handoff"),    # volunteering is not asking for a person
    ("幫我寫一份履歷", "propose"),
    ("不要再提醒我投票了", "news"),          # a polite refusal of reminders
])
def test_lookalikes_are_not_that_flow(real_nlp: Understander, text: str, not_this: str) -> None:
    assert real_nlp.understand(text).intent != not_this


def test_a_polite_refusal_never_subscribes(real_nlp: Understander) -> None:
    for text in ("不用再提醒了", "不要再通知我了謝謝", "之後都不用提醒", "別再提醒我"):
        u = real_nlp.understand(text)
        assert (u.intent, u.action) == ("ivoting", "unsubscribe"), text
