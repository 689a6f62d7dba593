"""Arguments of `run.py volunteers ...` and `run.py faq-suggestions ...` (kept light: no
database imports, so other commands start fast)."""

from __future__ import annotations

from typing import Any


def volunteer_parsers(sub: Any) -> None:
    """The `volunteers` subcommands."""
    v = sub.add_parser("volunteers", help="the volunteers' group and roles (hand-off)")
    vs = v.add_subparsers(dest="volunteers_command", required=True)
    chat = vs.add_parser("chat", help="set the volunteers' group; post open tickets there")
    chat.add_argument("--platform", required=True, help="telegram")
    chat.add_argument("--chat-id", required=True, help="from /whoami in the group (negative)")
    chat.add_argument("--lang", default="zh-TW",
                      help="the group's language: zh-TW (default) or en")
    for name, text in (("add", "let a person claim and answer tickets"),
                       ("remove", "take the volunteer role away")):
        p = vs.add_parser(name, help=text)
        p.add_argument("--platform", required=True, help="telegram")
        p.add_argument("--user-id", required=True, help="from /whoami")
        if name == "add":
            p.add_argument("--name", default="", help="the name other volunteers see")
    vs.add_parser("list", help="the group, the volunteers and the open tickets")

def suggestion_parsers(sub: Any) -> None:
    """The `faq-suggestions` subcommands."""
    f = sub.add_parser("faq-suggestions", help="review FAQ entries suggested by volunteers")
    fs = f.add_subparsers(dest="suggestions_command", required=True)
    ls = fs.add_parser("list", help="pending suggestions (--all: every one)")
    ls.add_argument("--all", action="store_true")
    ok = fs.add_parser("accept", help="write it to content/faq/volunteers.yaml")
    ok.add_argument("id", type=int)
    ok.add_argument("--entry-id", help="the entry's id (default vol-<ticket number>)")
    ok.add_argument("--question", action="append", default=[],
                    help="another phrasing (repeat for more); the question itself for an "
                         "older suggestion")
    ok.add_argument("--answer", help="the answer as it should read (default: as suggested)")
    ok.add_argument("--yes", action="store_true", help="write without asking")
    no = fs.add_parser("reject", help="drop it")
    no.add_argument("id", type=int)
