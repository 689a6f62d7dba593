"""Personal data in text: contact details masked before a resident's words reach the
volunteers, and the shapes `check-content` refuses in FAQ entries (a mask, a phone, an
e-mail, an ID number, a personal name with an address).

Patterns, not understanding: what they miss is caught by the staff review every suggestion
gets (`run.py faq-suggestions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_SEP = r"[-\s．.]?"
PHONE = re.compile(
    _NOT_ALNUM_BEFORE + r"(?:"
    r"(?:\+?886" + _SEP + r"|0)9\d{2}" + _SEP + r"\d{3}" + _SEP + r"\d{3}"  # mobile
    r"|(?:\+?886" + _SEP + r"\(?0?\d{1,2}\)?|\(0\d{1,2}\)|0\d{1,2})" + _SEP +
    r"\d{3,4}" + _SEP + r"\d{4}(?:\s*(?:#|轉|ext\.?)\s*\d{1,5})?"  # landline, extension
    r"|\d{10,}"  # any other long run of digits
    r")" + _NOT_ALNUM_AFTER)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NATIONAL_ID = re.compile(_NOT_ALNUM_BEFORE + r"[A-Za-z][12489]\d{8}" + _NOT_ALNUM_AFTER)
_CJK = r"[\u4e00-\u9fff]"
_NUM = r"[0-9０-９一二三四五六七八九十百]+"
ADDRESS = re.compile(
    _CJK + r"{1,4}(?:路|街|大道)(?:" + _NUM + r"段)?(?:" + _NUM + r"巷)?(?:" + _NUM +
    r"弄)?\s*" + _NUM + r"(?:之" + _NUM + r")?號(?:\s*" + _NUM + r"樓(?:之" + _NUM + r")?)?"
    r"|" + _CJK + r"{1,4}[里村]" + _NUM + r"鄰")
SURNAMES = ("陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高簡朱鍾施游詹沈彭胡余盧"
            "潘顏梁趙柯翁魏方孫戴范宋鄧杜侯曹薛傅丁溫紀蔣歐藍連唐馬董石卓程姚康馮古姜湯汪白田涂"
            "鄒巫尤龔嚴韓黎阮袁童陸金錢邵")
HONORIFICS = "先生|小姐|女士|太太|老師|里長|議員|阿姨|伯伯|同學|志工|媽媽|爸爸"
NAME = re.compile("[" + SURNAMES + "]" + _CJK + r"{0,2}(?:" + HONORIFICS + ")")
# After words that introduce a name, the name (kept: the words before it).
NAMED = re.compile(r"(我叫|我姓|敝姓|叫我)\s*" + _CJK + r"{1,3}"
                   r"|(我是|名字是|名字叫|姓名是|姓名[：:])\s*[" + SURNAMES + "]" + _CJK +
                   r"{1,2}(?![區市里路街])")


MASKS = ("〔已遮蔽〕", "[hidden]")  # content's handoff.masked: a resident's words were here
LIVES = re.compile(r"(?:住在?|住址|地址)\s*[：:]?\s*" + _CJK + r"{1,8}?[區里路街村]")


def personal_shapes(text: str) -> list[str]:
    """What in text looks like someone's details (empty when nothing does)."""
    found = [f"a mask {m}" for m in MASKS if m in text]
    for what, pattern in (("a phone number", PHONE), ("an e-mail address", EMAIL),
                          ("an ID number", NATIONAL_ID)):
        if pattern.search(text):
            found.append(what)
    named = NAME.search(text) or NAMED.search(text)
    if named and (ADDRESS.search(text) or LIVES.search(text)):
        found.append("a personal name with an address")
    return found


def mask_contact(text: str, mask: str) -> str:
    """Phone numbers, e-mail addresses and ID numbers replaced by mask."""
    for pattern in (EMAIL, NATIONAL_ID, PHONE):
        text = pattern.sub(mask, text)
    return text


def scrub_personal(text: str, mask: str, names: Iterable[str] = ()) -> str:
    """Contact details, addresses, names (by pattern, plus the given known names) masked."""
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = text.replace(name, mask)
    text = mask_contact(text, mask)
    text = ADDRESS.sub(mask, text)
    text = NAMED.sub(lambda m: (m.group(1) or m.group(2)) + mask, text)
    text = NAME.sub(mask, text)
    return re.sub(f"(?:{re.escape(mask)})+", lambda m: mask, text)  # one mask per run
