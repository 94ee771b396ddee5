"""Care's long unit pickers (``data-searchable``): typing into the box before the select hides
the options that do not match and keeps the empty choice; clearing the box shows them again."""

from __future__ import annotations

from lianxin.care.tests import factories as f

VISIBLE = """(id) => Array.from(document.getElementById(id).options)
    .filter((o) => !o.hidden).map((o) => o.textContent.trim())"""


def test_typing_filters_the_unit_picker_of_a_measure(world, page, login_as):
    case, a = f.case_at(world, "recognised")
    f.org(world.a, "甲地测试医疗保障局", level_of="county")
    f.org(world.a, "甲地测试住房建设局", level_of="county")
    login_as(page, a.township)
    page.goto(f"/care/cases/{case.pk}/")
    page.click("summary:has-text('添加措施')")
    select_id = f"id_carecase{case.pk}_measure_responsible_unit"
    assert page.get_attribute(f"#{select_id}", "data-searchable") is not None
    before = page.evaluate(VISIBLE, select_id)
    assert "甲地测试医疗保障局" in before
    assert "甲地测试住房建设局" in before
    assert len(before) > 3
    search = page.locator(f"input.select-search[aria-controls='{select_id}']")
    search.fill("医疗保障")
    assert page.evaluate(VISIBLE, select_id) == ["请选择", "甲地测试医疗保障局"]
    search.fill("甲地测试 住房")  # every word must match
    assert page.evaluate(VISIBLE, select_id) == ["请选择", "甲地测试住房建设局"]
    search.fill("")
    assert page.evaluate(VISIBLE, select_id) == before
    # the paired-unit picker of the same form has its own box
    paired = f"id_carecase{case.pk}_measure_paired_unit"
    page.locator(f"input.select-search[aria-controls='{paired}']").fill("住房建设")
    assert page.evaluate(VISIBLE, paired) == ["无", "甲地测试住房建设局"]
    assert len(page.evaluate(VISIBLE, select_id)) == len(before)
