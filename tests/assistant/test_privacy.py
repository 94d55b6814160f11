"""Identity numbers are masked wherever they sit in a text; amounts, dates and 文号 are not."""

from __future__ import annotations

import pytest

from assistant.privacy import mask_identity


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证350402199001011234", "身份证[身份证号]"),
        ("身份证35040219900101123X。", "身份证[身份证号]。"),
        ("旧证号350402900101123", "旧证号[身份证号]"),
        ("卡号6222021234567890", "卡号[银行卡号]"),
        ("卡号6222021234567890123，", "卡号[银行卡号]，"),
        ("卡号6222 0212 3456 7890 123", "卡号[银行卡号]"),
        ("卡号6222-0212-3456-7890", "卡号[银行卡号]"),
        ("电话13800138000", "电话[手机号]"),
        ("电话138 0013 8000", "电话[手机号]"),
        ("电话+86 138-0013-8000", "电话[手机号]"),
        ("电话8613800138000？", "电话[手机号]？"),
        ("我叫张三，身份证350402199001011234，手机13800138000，卡6222021234567890，自付3.86万",
         "我叫张三，身份证[身份证号]，手机[手机号]，卡[银行卡号]，自付3.86万"),
    ],
)
def test_identity_numbers_are_masked(text, masked):
    assert mask_identity(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "住院自付38600元，2023年4月1日起施行",
        "闽政〔2022〕24号第十二条",
        "参保人数1234567890人",  # ten digits: no identity number is that short
        "2023-04-01至2026-03-31",
        "12345678901",  # eleven digits not starting 1[3-9]
        "",
    ],
)
def test_other_numbers_are_kept(text):
    assert mask_identity(text) == text
