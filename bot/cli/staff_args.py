"""Arguments of `run.py staff ...` and `run.py proposals export` (kept light: no database)."""

from __future__ import annotations

from typing import Any

PLATFORMS = ("telegram", "line")
# Where a staff chat can live: a group with buttons, replies and chat-scoped command menus.
CHAT_PLATFORMS = ("telegram",)
LANGS = ("zh-TW", "en")


def add_parsers(sub: Any) -> None:
    """The `staff` and `proposals` subcommands."""
    st = sub.add_parser("staff", help="district office roles and staff chats")
    ss = st.add_subparsers(dest="staff_command", required=True)
    for name, text in (("add", "give a person a role for a district (or all)"),
                       ("remove", "remove a person's role (every role without --district)")):
        p = ss.add_parser(name, help=text)
        p.add_argument("--platform", required=True, help="telegram or line")
        p.add_argument("--user-id", required=True, help="from /whoami")
        p.add_argument("--district", required=name == "add", help="e.g. 士林區, or all")
    ss.add_parser("list", help="every role")
    chat = ss.add_parser("chat", help="set a district's staff chat; re-send waiting proposals")
    chat.add_argument("--district", required=True)
    chat.add_argument("--platform", required=True, help="telegram or line")
    chat.add_argument("--chat-id", required=True, help="from /whoami in the group (negative)")
    chat.add_argument("--lang", default="zh-TW", help="the chat's language: zh-TW (default) or en")
    ss.add_parser("chats", help="every district's staff chat, and districts waiting for one")
    for name, text in (("link", "print a one-time sign-in link to the staff console"),
                       ("logout", "end every staff console session of a person")):
        p = ss.add_parser(name, help=text)
        p.add_argument("--platform", required=True, help="telegram or line")
        p.add_argument("--user-id", required=True, help="from /whoami")
    pr = sub.add_parser("proposals", help="submitted proposals for office records")
    ps = pr.add_subparsers(dest="proposals_command", required=True)
    ex = ps.add_parser("export", help="CSV, Excel (xlsx) or JSON")
    ex.add_argument("--district")
    ex.add_argument("--status", help="a status code, e.g. submitted, accepted")
    ex.add_argument("--format", default="csv", help="csv (default), xlsx or json")
    ex.add_argument("--output", help="a file (CSV gets a BOM for Excel); default: stdout")
