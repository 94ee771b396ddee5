"""PUB-01: phone and ID numbers are redacted in any spelling a citizen or an agent may type."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from lianxin.core.redaction import digits_of, redact
from tests.security.seed import make_id

FULL = str.maketrans("0123456789", "０１２３４５６７８９")
CHINESE = str.maketrans("0123456789", "零一二三四五六七八九")
CHINESE_UPPER = str.maketrans("0123456789", "〇壹贰叁肆伍陆柒捌玖")
SEPARATORS = [" ", "-", "－", "—", ".", "\u3000", "  ", " - ", "/", "·"]

mobiles = st.builds(
    lambda head, rest: f"1{head}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1)
)
ids = st.builds(
    lambda region, days, seq: make_id(region, dt.date(1930, 1, 1) + dt.timedelta(days=days), seq),
    st.sampled_from(["640104", "640521", "642221", "110101"]),
    st.integers(0, 30000),
    st.integers(0, 999),
)


@st.composite
def spelled(draw, number_strategy):
    number = draw(number_strategy)
    alphabet = draw(st.sampled_from([None, FULL, CHINESE, CHINESE_UPPER]))
    text = number if alphabet is None else number.translate(alphabet)
    # break it into groups with separators (3-4-4, 6-8-4, or random cuts)
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=4)))
    parts, last = [], 0
    for cut in cuts:
        parts.append(text[last:cut])
        last = cut
    parts.append(text[last:])
    seps = [draw(st.sampled_from(SEPARATORS)) for _ in parts[:-1]]
    written = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))
    return number, written


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(spelled(mobiles), spelled(ids)),
    st.sampled_from(["", "联系电话", "身份证号：", "请回电"]),
    st.sampled_from(["", "，谢谢", "。路灯坏了", "号"]),
)
def test_every_spelling_of_a_number_is_redacted(case, before, after):
    number, written = case
    out = redact(f"{before}{written}{after}")
    shown = digits_of(out)
    # no run of seven of the number's digits survives in any spelling
    assert not any(number[i : i + 7] in shown for i in range(len(number) - 6)), (written, out)
    assert out.startswith(before)


def test_text_without_numbers_is_kept():
    text = "兴庆区胜利街3号楼路灯坏了一周，2026-11-22报修，共2处"
    assert redact(text) == text
    assert redact("电话139-0951-2345") == "电话***"
    assert redact("一三九零九五一二三四五") == "***"
    assert redact("640104 19350304 902X") == "***"
