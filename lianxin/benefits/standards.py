"""Policy standards (救助标准) as data: a fixed amount per month or year, a range, a schedule by
grade or stage, or in kind. Pure functions, integer fen."""

from __future__ import annotations

from typing import Any

from lianxin.core.errors import ApplicationError

SCHEDULE_BASES = {"disability_grade": "残疾等级", "education_stage": "学段", "": "档次"}
PER = {"monthly": "每月", "yearly": "每年", "once": "一次性"}


def yuan(fen: int | None) -> str:
    """12345 → "123.45"; whole yuan without decimals (1300000 → "13,000")."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}" if cents == 0 else f"{sign}{whole:,}.{cents:02d}"


def describe(policy: Any) -> str:
    per = PER.get(policy.frequency, "")
    kind = policy.standard_kind
    if kind == "fixed":
        return f"{per}{yuan(policy.amount_fen)}元"
    if kind == "range":
        return f"{per}{yuan(policy.min_fen)}–{yuan(policy.max_fen)}元"
    if kind == "schedule":
        return "；".join(
            f"{row['label']}{per}{yuan(row['amount_fen'])}元" for row in policy.schedule
        )
    return f"实物或服务：{policy.in_kind_note}"


def validate(policy: Any) -> list[str]:
    """What is wrong with a policy's standard (empty when it is whole)."""
    errors: list[str] = []
    kind = policy.standard_kind
    if kind == "fixed" and not (policy.amount_fen and policy.amount_fen > 0):
        errors.append("固定金额标准须填写大于0的金额")
    if kind == "range" and not (
        policy.min_fen is not None and policy.max_fen and 0 < policy.min_fen <= policy.max_fen
    ):
        errors.append("区间标准须填写最低和最高金额，且最低不大于最高")
    if kind == "schedule":
        rows = policy.schedule or []
        keys = [str(r.get("key", "")) for r in rows]
        if not rows or len(set(keys)) != len(keys) or any(not k for k in keys):
            errors.append("分档标准须列出各档（档次不能重复）")
        if any(not isinstance(r.get("amount_fen"), int) or r["amount_fen"] <= 0 for r in rows):
            errors.append("分档标准各档金额须为大于0的整数（分）")
    if kind == "in_kind" and not policy.in_kind_note:
        errors.append("实物或服务标准须说明内容")
    return errors


def amount_for(policy: Any, *, key: str = "", requested_fen: int | None = None) -> int:
    """The amount per period under the standard; refuses what the standard does not allow."""
    kind = policy.standard_kind
    if kind == "fixed":
        return int(policy.amount_fen)
    if kind == "range":
        if requested_fen is None:
            raise ApplicationError(f"请填写金额（{yuan(policy.min_fen)}–{yuan(policy.max_fen)}元）")
        if not policy.min_fen <= requested_fen <= policy.max_fen:
            raise ApplicationError(
                f"金额{yuan(requested_fen)}元超出标准（{yuan(policy.min_fen)}–{yuan(policy.max_fen)}元）"
            )
        return int(requested_fen)
    if kind == "schedule":
        for row in policy.schedule:
            if str(row["key"]) == str(key):
                return int(row["amount_fen"])
        labels = "、".join(r["label"] for r in policy.schedule)
        raise ApplicationError(f"请选择档次（{labels}）")
    return 0


def split(total_fen: int, shares: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """Split an amount over sources by weights (permille or fen), exactly: the largest
    remainders get the leftover fen, so the parts always sum to the total."""
    weight = sum(w for _s, w in shares)
    if weight <= 0:
        raise ApplicationError("该待遇没有设置资金来源")
    parts = [(s, total_fen * w // weight, (total_fen * w) % weight) for s, w in shares]
    left = total_fen - sum(p for _s, p, _r in parts)
    order = sorted(range(len(parts)), key=lambda i: -parts[i][2])
    amounts = [p for _s, p, _r in parts]
    for i in order[: abs(left)]:
        amounts[i] += 1 if left > 0 else -1
    return [(parts[i][0], amounts[i]) for i in range(len(parts)) if amounts[i] != 0]
