"""A pharmacy's clerk, on a phone (390×844), redeems a love card: types the card number, sees
only that it is valid, the holder's masked name and what the offer allows this month, records
the item, market price and price paid, and sees the discount given."""

from __future__ import annotations

from lianxin.resources.models import Redemption
from lianxin.resources.tests import factories as f


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_merchant_redeems_a_love_card_on_a_phone(world, phone_page, login_as, screenshot):
    al = f.Alliance(world)
    f.offer(al, title="常用药品九折", limit_per_month=4)
    card = f.card(al, f.household(world.a, head="马秀兰"))
    page = phone_page
    login_as(page, al.merchant)

    page.goto("/resources/redeem/")
    assert _fits_the_screen(page)
    page.fill("#number", card.number_display)  # typed as printed, with spaces
    page.click("[data-testid=card-lookup] button[type=submit]")
    page.wait_for_selector("[data-testid=card-valid]")
    assert page.inner_text("[data-testid=masked-name]") == "马＊＊"
    assert "马秀兰" not in page.content()
    assert "本月还可用4/4次" in page.inner_text("[data-testid=redeem-form]").replace(" ", "")
    page.fill("#item", "布洛芬缓释胶囊")
    page.fill("#market", "25.80")
    page.fill("#paid", "23.22")
    assert _fits_the_screen(page)
    screenshot(page, "resources-redeem-phone")
    page.click("[data-testid=redeem-submit]")
    page.wait_for_selector("text=核销成功：布洛芬缓释胶囊，让利2.58元")
    assert "本月还可用3/4次" in page.inner_text("[data-testid=redeem-form]").replace(" ", "")
    redemption = Redemption.objects.get()
    assert (redemption.discount_fen, redemption.redeemed_by_id) == (258, al.merchant.pk)
