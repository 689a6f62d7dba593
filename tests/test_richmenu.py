"""The LINE rich menu: drawn from content with Pillow, installed with `run.py line richmenu`
against the fake LINE API (both hosts, every request checked against the spec), idempotent,
and each tile's words answered like typing."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageColor

from bot.cli.line import run_line_cli
from bot.content import ContentError
from bot.handlers.deps import Deps
from bot.richmenu import draw as draw_module
from bot.richmenu.colors import contrast
from bot.richmenu.draw import FontMissing, draw, find_font
from bot.richmenu.spec import RichMenuSpec, check_richmenu
from bot.settings import ROOT, SettingsError, load_settings
from tests.bot_harness import running_bot
from tests.chat import Chat
from tests.fakes.line_api import FakeLineApi
from tests.fakes.specs import validate_line_data_request, validate_line_request
from tests.fakes.webhooks import line_body, line_text_event

CONTENT = ROOT / "content"
USER = "U" + "9" * 32
TILES = ["我要提案", "我的提案", "常見問題", "活動報名", "投票提醒", "找志工"]
HAS_FONT = True
try:
    find_font(draw_module.BOLD)
except FontMissing:
    HAS_FONT = False
needs_font = pytest.mark.skipif(not HAS_FONT, reason="fonts-noto-cjk is not installed")


def _args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"image": None, "dry_run": False, **kw})


def test_the_menu_is_six_tiles_from_content_covering_the_image() -> None:
    spec = RichMenuSpec.load(CONTENT)
    assert [t.label for t in spec.tiles] == TILES
    assert check_richmenu(spec) == []
    boxes = spec.grid()
    assert sum(b.width * b.height for b in boxes) == spec.width * spec.height
    assert all(b.x + b.width <= spec.width and b.y + b.height <= spec.height for b in boxes)
    assert all(contrast(t.fill, t.ink) >= 4.5 for t in spec.tiles)


def test_check_content_catches_a_bad_menu(tmp_path: Path) -> None:
    text = (CONTENT / "richmenu.yaml").read_text(encoding="utf-8")
    bad = text.replace("width: 2500, height: 1686", "width: 2500, height: 2500") \
        .replace('ink: "#0b5b36"', 'ink: "#eeeeee"', 1).replace("icon: doc", "icon: rocket")
    (tmp_path / "richmenu.yaml").write_text(bad, encoding="utf-8")
    errors = check_richmenu(RichMenuSpec.load(tmp_path))
    assert any("size" in e for e in errors) and any("4.5:1" in e for e in errors)
    assert any("icon" in e for e in errors)
    (tmp_path / "richmenu.yaml").write_text("tiles: [1]", encoding="utf-8")
    with pytest.raises(ContentError):
        RichMenuSpec.load(tmp_path)


@needs_font
def test_the_image_is_drawn_from_content_within_line_limits() -> None:
    spec = RichMenuSpec.load(CONTENT)
    picture = draw(spec)
    assert picture.content_type == "image/png" and len(picture.data) <= 1024 * 1024
    image = Image.open(io.BytesIO(picture.data)).convert("RGB")
    assert image.size == (2500, 1686)
    for tile, box in zip(spec.tiles, spec.grid(), strict=True):
        # the label is drawn: its ink appears in the lower half of its own tile
        crop = image.crop((box.x, box.y + box.height // 2, box.x + box.width,
                           box.y + box.height * 3 // 4))
        colours = {c for _, c in crop.getcolors(maxcolors=1 << 20) or []}
        assert ImageColor.getrgb(tile.ink) in colours, tile.label
    assert draw(spec).data == picture.data  # the same content draws the same image
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "richmenu.png").write_bytes(picture.data)


def test_a_missing_font_says_how_to_install_it(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(FontMissing, match="fonts-noto-cjk"):
        find_font(draw_module.BOLD, dirs=[str(tmp_path)])
    settings = load_settings(line_channel_access_token="t", line_channel_secret="s",
                             line_api_base_url="http://127.0.0.1:9",
                             line_data_api_base_url="http://127.0.0.1:9")
    saved = draw_module.FONT_DIRS
    draw_module.FONT_DIRS = (str(tmp_path),)
    try:
        assert run_line_cli(settings, _args()) == 1
    finally:
        draw_module.FONT_DIRS = saved
    assert "apt-get install fonts-noto-cjk" in capsys.readouterr().err


@needs_font
def test_installing_needs_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_line_cli(load_settings(), _args()) == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err
    assert run_line_cli(load_settings(), _args(dry_run=True)) == 0


def test_the_data_host_is_a_setting() -> None:
    assert load_settings().line_data_api_base_url == "https://api-data.line.me"
    assert load_settings(line_data_api_base_url="http://127.0.0.1:9/").line_data_api_base_url \
        == "http://127.0.0.1:9"
    with pytest.raises(SettingsError, match="LINE_DATA_API_BASE_URL"):
        load_settings(line_data_api_base_url="api-data.line.me")


async def _run_cli(fake: FakeLineApi, content_dir: Path = CONTENT) -> tuple[int, str, str]:
    env = {**os.environ, "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
           "LINE_CHANNEL_SECRET": "secret", "LINE_API_BASE_URL": fake.base_url,
           "LINE_DATA_API_BASE_URL": fake.data_base_url, "CONTENT_DIR": str(content_dir)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "run.py", "line", "richmenu", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(), err.decode()


@needs_font
async def test_run_py_line_richmenu_installs_replaces_and_is_idempotent(tmp_path: Path) -> None:
    async with FakeLineApi() as fake:
        foreign = {"size": {"width": 2500, "height": 843}, "selected": False, "name": "staff",
                   "chatBarText": "x", "areas": [], "richMenuId": "richmenu-" + "f" * 32}
        fake.richmenus.menus[foreign["richMenuId"]] = foreign  # made by hand: left alone
        code, out, err = await _run_cli(fake)
        assert code == 0, err
        assert "created and set as the default" in out
        first = fake.richmenus.default
        assert first is not None and fake.richmenus.images[first][0] == "image/png"
        upload = next(r for r in fake.requests if r.path.endswith("/content"))
        assert len(upload.body) == len(fake.richmenus.images[first][1])
        areas = fake.richmenus.menus[first]["areas"]
        assert [a["action"] for a in areas] == [
            {"type": "message", "label": t, "text": t} for t in TILES]
        calls = len(fake.requests)
        code, out, _ = await _run_cli(fake)  # nothing changed: nothing created
        assert code == 0 and "already the default" in out
        assert fake.richmenus.default == first and len(fake.requests) == calls + 2  # list, default
        changed = tmp_path / "content"
        shutil.copytree(CONTENT, changed)
        path = changed / "richmenu.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("依主題瀏覽", "參與式預算 Q&A"),
                        encoding="utf-8")
        code, out, _ = await _run_cli(fake, changed)
        assert code == 0 and "1 older menu(s) deleted" in out
        assert fake.richmenus.default not in (None, first)
        assert set(fake.richmenus.menus) == {fake.richmenus.default, foreign["richMenuId"]}
        assert fake.errors == []  # every request, on both hosts, matched the spec


@needs_font
async def test_a_refusal_from_line_is_reported(tmp_path: Path) -> None:
    async with FakeLineApi() as fake:
        fake.fail_next = [(403, "Access to this API is not available for your account")]
        code, _, err = await _run_cli(fake)
        assert code == 1 and "LINE answered 403" in err and "not available" in err


def test_the_fake_refuses_what_line_refuses() -> None:
    menu = {"size": {"width": 2500, "height": 1686}, "selected": True, "name": "m",
            "chatBarText": "選單", "areas": [{"bounds": {"x": 0, "y": 0, "width": 2500,
                                                       "height": 1686},
                                            "action": {"type": "message", "text": "我要提案"}}]}
    headers = {"Authorization": "Bearer t"}
    assert validate_line_request("POST", "/v2/bot/richmenu", menu, headers) == []
    tall = {**menu, "size": {"width": 1000, "height": 1000}}
    assert any("1.45" in e for e in validate_line_request("POST", "/v2/bot/richmenu", tall))
    outside = {**menu, "areas": [{**menu["areas"][0], "bounds": {"x": 10, "y": 0, "width": 2500,
                                                                 "height": 10}}]}
    assert any("outside" in e for e in validate_line_request("POST", "/v2/bot/richmenu",
                                                              outside))
    assert any("chatBarText" in e for e in validate_line_request(
        "POST", "/v2/bot/richmenu", {**menu, "chatBarText": "字" * 15}))
    path = "/v2/bot/richmenu/richmenu-" + "a" * 32 + "/content"
    assert any("api-data" in e for e in validate_line_request("POST", path, None, headers))
    png = io.BytesIO()
    Image.new("RGB", (2500, 1686), "white").save(png, format="PNG")
    good = {**headers, "Content-Type": "image/png"}
    assert validate_line_data_request("POST", path, png.getvalue(), good, menu) == []
    assert any("image/png or image/jpeg" in e for e in validate_line_data_request(
        "POST", path, png.getvalue(), {**headers, "Content-Type": "image/gif"}, menu))
    small = io.BytesIO()
    Image.new("RGB", (2500, 843), "white").save(small, format="PNG")
    assert any("does not match" in e for e in validate_line_data_request(
        "POST", path, small.getvalue(), good, menu))
    noisy = io.BytesIO()
    Image.frombytes("RGB", (1200, 810), os.urandom(1200 * 810 * 3)).save(noisy, format="PNG")
    assert any("1 MB" in e for e in validate_line_data_request(
        "POST", path, noisy.getvalue(), good, None))
    jpeg = {**headers, "Content-Type": "image/jpeg"}
    assert any("sent as JPEG" in e for e in validate_line_data_request(
        "POST", path, png.getvalue(), jpeg, menu))


async def test_each_tile_is_answered_like_typing(chat: Chat, deps: Deps) -> None:
    spec = RichMenuSpec.load(CONTENT)
    for tile in spec.tiles:
        await chat.send(tile.text)
        assert chat.meta.get("intent") not in (None, "unknown"), tile.text
        assert chat.replies, tile.text
        await chat.send("取消")
    await chat.send("我要提案")
    assert chat.meta["intent"] == "propose" and "提案名稱" in chat.text
    await chat.send("我的提案")
    assert chat.meta["intent"] == "myprops"
    await chat.send("常見問題")
    assert chat.meta["intent"] == "topics"


async def test_a_tile_press_on_line_opens_the_faq_topics(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        # A message action makes LINE send the tile's text as the user's message.
        await bot.post_line(line_body([line_text_event(USER, "常見問題")]))
        await bot.line.wait_for(1)
        assert "主題" in bot.line.delivered_texts()[-1] and bot.line.errors == []
