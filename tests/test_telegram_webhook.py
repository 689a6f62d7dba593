"""Telegram: updates posted to the real app; python-telegram-bot talks to a fake Bot API."""

from __future__ import annotations

from pathlib import Path

from bot.cli.polling import poll
from bot.core.types import Text
from bot.runtime.web import SERVICES
from bot.storage.models import InboundEvent
from tests.bot_harness import TG_SECRET, running_bot
from tests.fakes.webhooks import telegram_callback_update, telegram_message_update

CHAT = 424242


async def test_start_up_registers_commands_and_webhook(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        methods = [c.method for c in bot.telegram.calls]
        assert "getMe" in methods and "setMyCommands" in methods
        hook = next(c for c in bot.telegram.calls if c.method == "setWebhook")
        assert hook.params["secret_token"] == TG_SECRET
        assert bot.telegram.errors == []


async def test_wrong_or_missing_secret_is_403_and_nothing_written(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        update = telegram_message_update(1, CHAT, CHAT, "你好")
        assert (await bot.post_telegram(update, secret="wrong")).status == 403
        assert (await bot.post_telegram(update, secret=None)).status == 403
        assert await InboundEvent.all().count() == 0


async def test_message_is_answered_with_inline_keyboard_once(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        update = telegram_message_update(10, CHAT, CHAT, "住民大會是什麼")
        assert (await bot.post_telegram(update)).status == 200
        assert (await bot.post_telegram(update)).status == 200  # Telegram retried: same id
        await bot.settle()
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"]
        assert len(sent) == 1
        assert "住民大會" in sent[0].params["text"]
        assert "inline_keyboard" in str(sent[0].params["reply_markup"])
        assert bot.telegram.errors == []


async def test_callback_query_is_answered(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        await bot.post_telegram(telegram_message_update(20, CHAT, CHAT, "/start"))
        await bot.telegram.wait_for("sendMessage", 1)
        markup = bot.telegram.calls[-1].params["reply_markup"]
        data = markup["inline_keyboard"][0][0]["callback_data"]
        await bot.post_telegram(telegram_callback_update(21, CHAT, CHAT, data))
        await bot.telegram.wait_for("answerCallbackQuery", 1)
        await bot.telegram.wait_for("sendMessage", 2)
        assert bot.telegram.errors == []


async def test_group_chat_speaks_only_when_addressed(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        group = -100123
        await bot.post_telegram(telegram_message_update(30, group, 7, "大家好",
                                                        chat_type="supergroup"))
        await bot.settle()
        assert not [c for c in bot.telegram.calls if c.method == "sendMessage"]
        await bot.post_telegram(telegram_message_update(31, group, 7, "/help",
                                                        chat_type="supergroup"))
        await bot.telegram.wait_for("sendMessage", 1)


async def test_polling_records_and_answers_updates(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        bot.telegram.queue_update(telegram_message_update(40, CHAT, CHAT, "你好"))
        services = bot.client.server.app[SERVICES]
        await poll(services, rounds=1, timeout=0)
        await bot.telegram.wait_for("sendMessage", 1)
        assert "deleteWebhook" in [c.method for c in bot.telegram.calls]


async def test_topic_ids_reach_incoming_and_pushes_go_to_a_topic_returning_ids(
        tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        adapter = bot.client.app[SERVICES].telegram
        assert adapter is not None
        update = telegram_message_update(20, -100777, 55, "/tickets", chat_type="supergroup")
        update["message"].update(is_topic_message=True, message_thread_id=7,
                                 reply_to_message={"message_id": 7, "date": 1,
                                                   "chat": update["message"]["chat"]})
        msg = adapter.to_incoming(update, "20")
        assert msg is not None and (msg.message_id, msg.thread_id, msg.reply_to) == ("20", "7", "")
        update["message"]["reply_to_message"]["message_id"] = 12  # an explicit reply
        msg = adapter.to_incoming(update, "20")
        assert msg is not None and msg.reply_to == "12"
        ids = await adapter.push_replies("-100777", [Text("a"), Text("b")], "seed",
                                         thread_id="7", reply_to="12")
        sent = [c for c in bot.telegram.calls if c.method == "sendMessage"][-2:]
        assert len(ids) == 2 and ids[0] != ids[1]
        assert all(c.params["message_thread_id"] == 7 for c in sent)
        assert sent[0].params["reply_parameters"]["message_id"] == 12
        assert "reply_parameters" not in sent[1].params
        assert bot.telegram.errors == []
