"""Identity numbers a citizen may type, masked before anything is stored or logged.

身份证号 (18 characters, or the old 15 digits), bank-card numbers (16–19 digits, whole or in
groups of four) and mainland 手机号 (with or without +86 and separators) are replaced by a
placeholder that says what was there. No amount, date or 文号 in a policy question is that
long, so nothing a question needs is lost.

Usage::

    mask_identity("卡号6222 0212 3456 7890 123，电话13800138000")   # '卡号[银行卡号]，电话[手机号]'
"""

from __future__ import annotations

import re

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_MASKS = ((_ID_CARD, "[身份证号]"), (_BANK_CARD, "[银行卡号]"), (_MOBILE, "[手机号]"))


def mask_identity(text: str) -> str:
    """Replace 身份证号, bank-card numbers and 手机号 with placeholders.

    >>> mask_identity("我身份证350402199001011234，电话138 0013 8000，自付3.86万")
    '我身份证[身份证号]，电话[手机号]，自付3.86万'
    """
    for pattern, placeholder in _MASKS:
        text = pattern.sub(placeholder, text or "")
    return text or ""
