"""Starting or resuming a proposal, preview actions, the similar check, submitting, listing."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from bot.core.types import Card, Carousel, Choice, Context, Effect, Incoming, Text, Turn
from bot.handlers import menu, propose
from bot.handlers.buttons import Press, choice
from bot.handlers.deps import Deps
from bot.handlers.propose_show import preview, status_name
from bot.proposals import similar
from bot.proposals.dates import TAIPEI
from bot.proposals.view import EDITABLE, ProposalView

REF_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone
MAX_OFFERED = 3


def make_ref(now: datetime) -> str:
    """A short reference number: the Taipei date and four random characters (261123-K7F3)."""
    tail = "".join(secrets.choice(REF_CHARS) for _ in range(4))
    return now.astimezone(TAIPEI).strftime("%y%m%d-") + tail


def print_url(deps: Deps, token: str) -> str:
    """The printable page of a proposal."""
    return f"{deps.public_url}/p/{token}"


async def start(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """我要提案: offer to continue an open draft, or begin a new one."""
    mine = [p for p in await deps.proposals.of_user(msg.platform, msg.user_id)
            if p.status in EDITABLE]
    if not mine:
        return propose.begin(ctx, deps, lang)
    t = deps.content.t
    buttons = [_continue(deps, p, lang) for p in mine[:MAX_OFFERED]]
    buttons.append(choice(t("propose.button.new", lang), "pr", "new"))
    ctx = replace(ctx, state=propose.STATE, data={"stage": "resume"}, locale=lang)
    return Turn(ctx, (Text(t("propose.resume", lang), tuple(buttons)),),
                meta={"intent": "propose"})


def _continue(deps: Deps, p: ProposalView, lang: str) -> Choice:
    title = p.title or deps.content.t("propose.untitled", lang)
    return choice(deps.content.t("propose.button.continue", lang, title=title), "pr", p.token)


async def press_resume(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """「繼續」 a stored draft (or one that needs more), or 「開始新的提案」."""
    lang = ctx.locale
    if press.arg == "new":
        return propose.begin(ctx, deps, lang)
    p = await deps.proposals.by_token(press.arg)
    if p is None or (p.platform, p.user_id) != (msg.platform, msg.user_id) \
            or p.status not in EDITABLE:
        reply = Text(deps.content.t("propose.gone", lang), menu.menu_choices(deps, lang))
        return Turn(menu.idle(ctx, lang), (reply,))
    return propose.begin(ctx, deps, lang, token=p.token, answers=p.everything(), ref=p.ref)


async def on_text(msg: Incoming, ctx: Context, deps: Deps) -> Turn:
    """Typed text in the proposal flow: a step's answer, else a hint and the same buttons."""
    if propose.in_step(ctx):
        return propose.on_step_text(msg, ctx, deps)
    hint = Text(deps.content.t("propose.hint", ctx.locale))
    if ctx.data.get("stage") == "resume":
        turn = await start(msg, ctx, deps, ctx.locale)
    else:
        turn = preview(ctx, deps)
    return replace(turn, replies=(hint, *turn.replies))


async def press_preview(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """The preview's buttons: submit (after the similar check), edit, save for later."""
    if ctx.state != propose.STATE or ctx.data.get("stage") not in ("preview", "similar", "edit"):
        return menu.stale(ctx, deps)
    if press.arg == "submit":
        return await check_similar(ctx, deps, (msg.platform, msg.user_id))
    if press.arg == "force":
        return await submit(ctx, deps)
    if press.arg == "edit":
        return edit_menu(ctx, deps)
    if press.arg == "show":
        return preview(ctx, deps)
    text = deps.content.t("propose.saved", ctx.locale)
    return Turn(menu.idle(ctx, ctx.locale), (Text(text, menu.menu_choices(deps, ctx.locale)),),
                meta={"intent": "propose"})


def edit_menu(ctx: Context, deps: Deps) -> Turn:
    """Which field to change: one button per applicable step."""
    lang, t = ctx.locale, deps.content.t
    buttons = [choice(t(f"propose.field.{s.field}", lang), "pe", s.field)
               for s in deps.spec.asked(ctx.data["answers"])]
    buttons.append(choice(t("propose.button.back", lang), "pp", "show"))
    data = {**ctx.data, "stage": "edit"}
    return Turn(replace(ctx, data=data), (Text(t("propose.edit", lang), tuple(buttons[:13])),),
                meta={"intent": "propose"})


def press_edit(msg: Incoming, press: Press, ctx: Context, deps: Deps) -> Turn:
    """Change one field, then come back to the preview."""
    if ctx.state != propose.STATE or ctx.data.get("stage") != "edit" \
            or not deps.spec.has(press.arg):
        return menu.stale(ctx, deps)
    ctx = replace(ctx, data={**ctx.data, "editing": True})
    return propose.ask(ctx, deps, deps.spec.step(press.arg))


async def check_similar(ctx: Context, deps: Deps, owner: tuple[str, str] | None = None) -> Turn:
    """Before submitting, show up to three similar proposals (or submit when there are none);
    the resident's own earlier proposals are said to be theirs."""
    answers, settings = ctx.data["answers"], deps.spec.similar
    candidates = await deps.proposals.candidates(
        str(answers.get("district", "")), ctx.data["token"], int(settings.get("candidates", 400)))
    found = similar.rank(answers, candidates, deps.spec.past, deps.nlp.keywords, settings, owner)
    if not found:
        return await submit(ctx, deps)
    lang, t = ctx.locale, deps.content.t
    items = "\n".join(_similar_line(deps, s, lang) for s in found)
    buttons = (choice(t("propose.button.force", lang), "pp", "force"),
               choice(t("propose.button.edit", lang), "pp", "edit"),
               choice(t("propose.button.later", lang), "pp", "later"))
    data = {**ctx.data, "stage": "similar"}
    return Turn(replace(ctx, data=data), (Text(t("propose.similar", lang, items=items), buttons),),
                meta={"intent": "propose", "similar": [s.title for s in found]})


def _similar_line(deps: Deps, s: similar.Similar, lang: str) -> str:
    when = status_name(deps, s.status, lang) if s.status else str(s.year)
    key = "propose.similar_mine" if s.mine else "propose.similar_item"
    return deps.content.t(key, lang, title=s.title, district=s.district, when=when,
                          ref=s.ref)


async def submit(ctx: Context, deps: Deps) -> Turn:
    """Send the proposal to the district office: a reference number and the printable page.

    When the office has no staff chat yet the resident is told it is queued (not sent), and
    told again when the card actually goes out (staff_notice)."""
    lang, t, data = ctx.locale, deps.content.t, ctx.data
    ref = data.get("ref") or make_ref(deps.clock())
    district = str(data["answers"].get("district", ""))
    queued = not await deps.proposals.has_staff_chat(district)
    effect = Effect("proposal_submit", {"token": data["token"], "ref": ref, "queued": queued,
                                        "answers": data["answers"], "locale": lang})
    body = "propose.submitted.body_queued" if queued else "propose.submitted.body"
    card = Card(t("propose.submitted.title", lang), t(body, lang, ref=ref, district=district),
                (choice(t("button.menu", lang), "menu"),), print_url(deps, data["token"]),
                url_label=t("propose.button.print", lang))
    return Turn(menu.idle(ctx, lang), (card,), (effect,), {"intent": "propose", "ref": ref})


async def my_proposals(msg: Incoming, ctx: Context, deps: Deps, lang: str) -> Turn:
    """我的提案: a card per proposal (status, number, office note, printable page, 繼續),
    then 開始新的提案 and the menu as follow-up choices."""
    mine = await deps.proposals.of_user(msg.platform, msg.user_id)
    t = deps.content.t
    new = choice(t("propose.button.new", lang), "propose")
    if not mine:
        return Turn(replace(ctx, locale=lang), (Text(t("myprops.none", lang), (new,)),),
                    meta={"intent": "myprops"})
    cards = tuple(_my_card(deps, p, lang) for p in mine)
    reply = Carousel(cards, t("myprops.title", lang, count=len(mine)),
                     (new, choice(t("button.menu", lang), "menu")))
    return Turn(replace(ctx, locale=lang), (reply,), meta={"intent": "myprops"})


def _my_card(deps: Deps, p: ProposalView, lang: str) -> Card:
    t = deps.content.t
    rows = [(t("myprops.status", lang), status_name(deps, p.status, lang)),
            (t("propose.field.district", lang), p.district or t("propose.value.none", lang))]
    if p.ref:
        rows.append((t("myprops.ref", lang), p.ref))
    note = t("myprops.note", lang, note=p.note) \
        if p.note and p.status in ("needs_more", "rejected") else ""
    buttons = (_continue(deps, p, lang),) if p.status in EDITABLE else ()
    url = print_url(deps, p.token) if p.ref else ""
    return Card(p.title or t("propose.untitled", lang), note, buttons, url=url,
                fields=tuple(rows), url_label=t("propose.button.print", lang) if url else "")
