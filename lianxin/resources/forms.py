"""Forms of the love alliance's pages (parse input; the services decide)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone

from lianxin.core import inputs

from .models import CardTier, DiscountKind, LocationKind, OfferCategory, PartnerKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YuanField(inputs.DecimalField):
    """An amount typed in yuan (two decimals), cleaned to integer fen."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def clean(self, value):  # type: ignore[no-untyped-def]
        amount = super().clean(value)
        if amount is None:
            return 0
        return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class PartnerApplyForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=120)
    kind = forms.ChoiceField(label="类别", choices=PartnerKind.choices)
    area = forms.ChoiceField(label="加入联盟的区域")
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    pledge_text = forms.CharField(label="承诺内容", max_length=300, required=False)
    accepts_points = forms.BooleanField(label="接受志愿积分兑换", required=False)

    def __init__(self, *args, areas=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(d.code, d.name) for d in areas]


class OfferForm(forms.Form):
    title = forms.CharField(label="优惠名称", max_length=120)
    category = forms.ChoiceField(label="类别", choices=OfferCategory.choices)
    discount_kind = forms.ChoiceField(label="优惠方式", choices=DiscountKind.choices)
    percent_off = inputs.IntegerField(
        label="优惠比例(%)", min_value=0, max_value=99, required=False
    )
    fixed_price_fen = YuanField(label="爱心价（元）", required=False)
    market_price_fen = YuanField(label="参考市场价（元）", required=False)
    limit_per_visit = inputs.IntegerField(label="每次限购数量", min_value=1, initial=1)
    limit_per_month = inputs.IntegerField(label="每卡每月限用次数", min_value=1, initial=4)
    valid_from = forms.DateField(label="生效日期", widget=DATE, initial=timezone.localdate)
    valid_to = forms.DateField(label="截止日期", required=False, widget=DATE)


class RedeemForm(forms.Form):
    number = forms.CharField(label="卡号", max_length=24)
    offer = inputs.IntegerField(label="优惠")
    item = forms.CharField(label="商品/服务", max_length=120)
    quantity = inputs.IntegerField(label="数量", min_value=1, initial=1)
    market_price_fen = YuanField(label="市场价（元）")
    price_paid_fen = YuanField(label="实付（元）")


class IssueForm(forms.Form):
    area_code = forms.ChoiceField(label="发卡区域")
    tiers = forms.TypedMultipleChoiceField(
        label="发卡类别", choices=CardTier.choices, coerce=int, initial=list(CardTier.values)
    )

    def __init__(self, *args, areas=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [(d.code, d.name) for d in areas]


class LocationForm(forms.Form):
    name = forms.CharField(label="网点名称", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=LocationKind.choices)
    division = forms.CharField(label="服务社区(村)代码", max_length=12)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="门店电话", max_length=20, required=False)
    latitude = inputs.DecimalField(label="纬度", max_digits=9, decimal_places=6)
    longitude = inputs.DecimalField(label="经度", max_digits=9, decimal_places=6)


class PledgeForm(forms.Form):
    partner = inputs.IntegerField(label="捐赠单位")
    item = forms.CharField(label="物资", max_length=120)
    quantity = inputs.IntegerField(label="数量", min_value=1)
    unit = forms.CharField(label="单位", max_length=10, initial="件")
    value_fen = YuanField(label="价值（元）")


class ReceiveForm(forms.Form):
    store = inputs.IntegerField(label="仓库")
    partner = inputs.IntegerField(label="捐赠单位")
    pledge = inputs.IntegerField(label="认捐", required=False)
    item = forms.CharField(label="物资", max_length=120)
    quantity = inputs.IntegerField(label="数量", min_value=1)
    unit = forms.CharField(label="单位", max_length=10, initial="件")
    value_fen = YuanField(label="总价值（元）")
    expires_on = forms.DateField(label="有效期至", required=False, widget=DATE)


class DispatchForm(forms.Form):
    quantity = inputs.IntegerField(label="数量", min_value=1)
    household_number = forms.CharField(label="受助住户编号", max_length=40, required=False)
    measure_id = inputs.IntegerField(label="帮扶措施ID", required=False)
    wish_ref = forms.CharField(label="微心愿编号", max_length=40, required=False)


class BoxLeaveForm(forms.Form):
    medicine = inputs.IntegerField(label="药品")
    quantity = inputs.IntegerField(label="数量", min_value=1)
    expires_on = forms.DateField(label="有效期至", widget=DATE)
    source = forms.CharField(label="来源", max_length=60, initial="居民捐赠")


class BoxTakeForm(forms.Form):
    item = inputs.IntegerField(label="药品批次")
    quantity = inputs.IntegerField(label="数量", min_value=1)


class BoxMoveForm(forms.Form):
    item = inputs.IntegerField(label="药品批次")
    to_box = inputs.IntegerField(label="调往药箱")
    quantity = inputs.IntegerField(label="数量", min_value=1)
