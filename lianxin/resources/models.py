"""The love alliance (爱心联盟): partners and their offers, love cards and their redemptions,
service points of the 15-minute life circle, donated goods in stock and shared medicine boxes.

Money is integer fen. A card never stores its holder's name: pages that need it mask the
household head's name at read time (``selectors.masked_name``)."""

from __future__ import annotations

from django.db import models

from lianxin.areas.models import Division
from lianxin.core.areascoped import AreaScoped
from lianxin.core.model_mixins import area_index, fk, one_to_one, user_fk
from lianxin.core.models import BaseModel
from lianxin.directory.models import Organisation
from lianxin.registry.models import Household

from .querysets import (
    CardQuerySet,
    LocationQuerySet,
    MedicineBoxQuerySet,
    PartnerOwnedQuerySet,
    PartnerQuerySet,
    RedemptionQuerySet,
    StockQuerySet,
)

# --- partners ---------------------------------------------------------------------------------


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", "爱心企业"
    CHARITY = "charity", "公益慈善组织"
    MERCHANT = "merchant", "爱心商家"
    INSTITUTION = "institution", "机关事业单位"


class PartnerStatus(models.TextChoices):
    APPLIED = "applied", "待审核"
    APPROVED = "approved", "已加入"
    REJECTED = "rejected", "未通过"
    SUSPENDED = "suspended", "已暂停"


class Partner(AreaScoped, BaseModel):
    """An organisation (directory) in the love alliance of an area (county or township)."""

    area_source = "area"

    organisation = one_to_one(Organisation, "单位", "partner")
    kind = models.CharField("类别", max_length=20, choices=PartnerKind)
    area = fk(Division, "加入联盟的区域")
    status = models.CharField(
        "状态", max_length=12, choices=PartnerStatus, default=PartnerStatus.APPLIED
    )
    pledge_text = models.CharField("承诺内容", max_length=300, blank=True)
    accepts_points = models.BooleanField("接受志愿积分兑换", default=False)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = user_fk("审核人")
    decision_note = models.CharField("审核意见", max_length=300, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "爱心联盟成员"
        indexes = [area_index("partner_area_idx", status="varchar_pattern_ops")]

    def __str__(self) -> str:
        return self.organisation.name


# --- places of the life circle -------------------------------------------------------------------


class LocationKind(models.TextChoices):
    SHOP = "shop", "商户门店"
    PHARMACY = "pharmacy", "药店"
    GRAIN_SHOP = "grain_shop", "粮油店"
    HEALTH_STATION = "health_station", "卫生服务站"
    PARTY_STATION = "party_station", "党群服务站"
    PROPERTY_POINT = "property_point", "物业服务点"
    BUILDING = "building", "楼栋"
    STORE = "store", "物资仓库"


class Location(AreaScoped, BaseModel):
    """A point on the map: a merchant's shop, a health station, a store of donated goods, a place
    where a medicine box stands. ``division`` is the community it serves."""

    area_source = "division"

    partner = fk(Partner, "所属单位", "locations", null=True)
    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=20, choices=LocationKind)
    division = fk(Division, "服务社区(村)")
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)
    phone = models.CharField("门店电话", max_length=20, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "服务网点"
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="location_point_idx"),
            area_index("location_area_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CommunityCentre(models.Model):
    """The centre point of a community or village: where the life circle of its households is
    measured from when the household head has no coordinates of his own."""

    division = one_to_one(Division, "社区(村)", on_delete=models.CASCADE, primary_key=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6)

    class Meta:
        verbose_name = verbose_name_plural = "社区中心点"

    def __str__(self) -> str:
        return str(self.division)


# --- offers ------------------------------------------------------------------------------------


class OfferCategory(models.TextChoices):
    MEDICINE = "medicine", "药品"
    GRAIN_OIL = "grain_oil", "粮油"
    VEGETABLES = "vegetables", "蔬菜"
    CLOTHING = "clothing", "服装"
    EDUCATION = "education", "教育"
    HOUSEKEEPING = "housekeeping", "家政"
    MEDICAL_CARE = "medical_care", "医疗"
    REHABILITATION = "rehabilitation", "康复"


class DiscountKind(models.TextChoices):
    PERCENT = "percent", "按比例优惠"
    FIXED_PRICE = "fixed_price", "低于市场价的固定价"
    FREE = "free", "免费服务"


class Offer(AreaScoped, BaseModel):
    """What a merchant gives to cardholders (爱心优惠)."""

    area_source = "partner"

    partner = fk(Partner, "爱心商家", "offers")
    title = models.CharField("优惠名称", max_length=120)
    category = models.CharField("类别", max_length=20, choices=OfferCategory)
    discount_kind = models.CharField("优惠方式", max_length=12, choices=DiscountKind)
    percent_off = models.PositiveSmallIntegerField("优惠比例(%)", default=0)
    fixed_price_fen = models.BigIntegerField("爱心价（分）", default=0)
    market_price_fen = models.BigIntegerField("参考市场价（分）", default=0)
    limit_per_visit = models.PositiveSmallIntegerField("每次限购数量", default=1)
    limit_per_month = models.PositiveSmallIntegerField("每卡每月限用次数", default=4)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("截止日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "爱心优惠"
        indexes = [models.Index(fields=["partner", "is_active"], name="offer_partner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def rule_text(self) -> str:
        if self.discount_kind == DiscountKind.PERCENT:
            return f"按市场价优惠{self.percent_off}%"
        if self.discount_kind == DiscountKind.FIXED_PRICE:
            return f"爱心价{self.fixed_price_fen / 100:.2f}元/件"
        return "免费"


# --- love cards --------------------------------------------------------------------------------


class CardTier(models.IntegerChoices):
    """The order the district issued cards in."""

    MINIMUM_LIVING = 1, "低保家庭"
    NEAR_MINIMUM = 2, "低保边缘家庭"
    EXPENDITURE_HARDSHIP = 3, "支出型困难家庭"
    TEMPORARY = 4, "临时救助家庭"


class CardStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "已暂停"
    LOST = "lost", "已挂失"
    CANCELLED = "cancelled", "已注销"


class CardSequence(models.Model):
    """The last card number used under one prefix (county code + year), locked when issuing."""

    prefix = models.CharField("号段", max_length=12, primary_key=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "卡号号段"

    def __str__(self) -> str:
        return self.prefix


class LoveCard(AreaScoped, BaseModel):
    """A love card (爱心卡) of a household: 16 digits, the last a Luhn check digit."""

    area_source = "household"

    number = models.CharField("卡号", max_length=16, unique=True)
    household = fk(Household, "住户")
    tier = models.PositiveSmallIntegerField("发卡类别", choices=CardTier)
    status = models.CharField("状态", max_length=10, choices=CardStatus, default=CardStatus.ACTIVE)
    issued_at = models.DateTimeField("发卡时间")
    status_reason = models.CharField("状态原因", max_length=200, blank=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    replaces = one_to_one("self", "补办自", "replaced_by", null=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "爱心卡"
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=["active", "suspended"]),
                name="lovecard_one_live_card_per_household",
            )
        ]
        indexes = [
            area_index("lovecard_area_idx", status="varchar_pattern_ops"),
            models.Index(fields=["household", "status"], name="lovecard_household_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number_display(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


class CardMonthUsage(models.Model):
    """How often a card used an offer in one month: the row the monthly limit is counted on
    (a conditional UPDATE ``count < limit``, so the limit holds under concurrent redemptions)."""

    card = fk(LoveCard, "爱心卡", None, on_delete=models.CASCADE)
    offer = fk(Offer, "优惠", None, on_delete=models.CASCADE)
    month = models.DateField("月份")
    count = models.PositiveIntegerField("已用次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "爱心卡月度使用"
        constraints = [
            models.UniqueConstraint(fields=["card", "offer", "month"], name="card_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.count}"


class Redemption(AreaScoped):
    """One use of a love card at a merchant. No money moves: the ledger records the value of the
    discount given (market price − price paid), per merchant and per household."""

    area_source = "household"

    card = fk(LoveCard, "爱心卡", "redemptions")
    offer = fk(Offer, "优惠")
    partner = fk(Partner, "爱心商家", "redemptions")
    household = fk(Household, "住户")
    item = models.CharField("商品/服务", max_length=120)
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    market_price_fen = models.BigIntegerField("市场价（分）")
    price_paid_fen = models.BigIntegerField("实付（分）")
    discount_fen = models.BigIntegerField("优惠金额（分）")
    month = models.DateField("月份")
    redeemed_at = models.DateTimeField("核销时间")
    redeemed_by = user_fk("核销人", null=False)

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "爱心卡核销"
        indexes = [
            models.Index(fields=["partner", "month"], name="redemption_partner_idx"),
            models.Index(fields=["household", "month"], name="redemption_household_idx"),
            area_index("redemption_area_idx", month="date_ops"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.redeemed_at:%Y-%m-%d}"


class PointsRedemption(AreaScoped):
    """A volunteer's points spent at a merchant (the volunteers app owns the points ledger and
    calls ``services.points_redemption_record`` in the same transaction as its debit)."""

    area_source = "partner"

    partner = fk(Partner, "爱心商家")
    volunteer_ref = models.CharField("志愿者编号", max_length=40)
    ledger_ref = models.CharField("积分流水号", max_length=40, unique=True)
    item = models.CharField("商品/服务", max_length=120)
    points = models.PositiveIntegerField("积分")
    value_fen = models.BigIntegerField("价值（分）")
    month = models.DateField("月份")
    redeemed_at = models.DateTimeField("兑换时间")
    recorded_by = user_fk("记录人", blank=False)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "积分兑换"
        indexes = [models.Index(fields=["partner", "month"], name="points_partner_idx")]


# --- donated goods ---------------------------------------------------------------------------


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", "已认捐"
    RECEIVED = "received", "已入库"
    CANCELLED = "cancelled", "已取消"


class Pledge(AreaScoped, BaseModel):
    """A partner's promise of goods (认捐)."""

    area_source = "partner"

    partner = fk(Partner, "捐赠单位", "pledges")
    item = models.CharField("物资", max_length=120)
    quantity = models.PositiveIntegerField("数量")
    unit = models.CharField("单位", max_length=10, default="件")
    value_fen = models.BigIntegerField("价值（分）")
    status = models.CharField(
        "状态", max_length=10, choices=PledgeStatus, default=PledgeStatus.PLEDGED
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资认捐"

    def __str__(self) -> str:
        return f"{self.item}×{self.quantity}"


class StockLot(AreaScoped, BaseModel):
    """Goods received into a store (入库): one lot with its donor, quantity left and expiry."""

    area_source = "store"

    store = fk(Location, "仓库", "lots")
    partner = fk(Partner, "捐赠单位", "lots")
    pledge = fk(Pledge, "认捐", null=True)
    item = models.CharField("物资", max_length=120)
    unit = models.CharField("单位", max_length=10, default="件")
    quantity_received = models.PositiveIntegerField("入库数量")
    quantity_left = models.PositiveIntegerField("库存数量")
    value_fen = models.BigIntegerField("总价值（分）")
    expires_on = models.DateField("有效期至", null=True, blank=True)
    received_on = models.DateField("入库日期")

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "捐赠物资库存"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_left__lte=models.F("quantity_received")),
                name="stocklot_left_le_received",
            )
        ]
        indexes = [models.Index(fields=["store", "expires_on"], name="stocklot_store_idx")]

    def __str__(self) -> str:
        return f"{self.item}（{self.store}）"

    @property
    def unit_value_fen(self) -> int:
        return self.value_fen // self.quantity_received if self.quantity_received else 0


class Dispatch(AreaScoped):
    """Goods leaving a store (出库) for a household, a care measure or a micro-wish."""

    area_source = "lot"

    lot = fk(StockLot, "库存批次", "dispatches")
    quantity = models.PositiveIntegerField("数量")
    value_fen = models.BigIntegerField("价值（分）")
    household = fk(Household, "受助住户", null=True)
    measure_id = models.PositiveBigIntegerField("帮扶措施ID", null=True, blank=True)
    wish_ref = models.CharField("微心愿编号", max_length=40, blank=True)
    dispatched_at = models.DateTimeField("出库时间")
    dispatched_by = user_fk("经办人", null=False)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "物资出库"


# --- shared medicine boxes -------------------------------------------------------------------


class OtcMedicine(models.Model):
    """The region's list of over-the-counter medicines a shared box may hold."""

    name = models.CharField("药品名称", max_length=80, unique=True)
    specification = models.CharField("规格", max_length=80, blank=True)
    otc_class = models.CharField("OTC类别", max_length=4, default="乙类")
    is_active = models.BooleanField("在目录内", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "非处方药目录"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MedicineBox(AreaScoped, BaseModel):
    """A shared medicine box (共享药箱) at a station, a property service point or a building."""

    area_source = "location"

    code = models.CharField("药箱编号", max_length=30, unique=True)
    location = fk(Location, "放置地点", "boxes")
    custodian = user_fk("管理员", null=False)
    is_active = models.BooleanField("启用", default=True)

    objects = MedicineBoxQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "共享药箱"
        indexes = [area_index("medicinebox_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.location}"


class BoxItem(AreaScoped):
    """Medicine of one kind and expiry in a box, with where it came from."""

    area_source = "box"

    box = fk(MedicineBox, "药箱", "items")
    medicine = fk(OtcMedicine, "药品")
    source = models.CharField("来源", max_length=60)
    quantity = models.PositiveIntegerField("数量")
    expires_on = models.DateField("有效期至")
    added_on = models.DateField("放入日期")

    objects = MedicineBoxQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "药箱药品"
        indexes = [models.Index(fields=["expires_on", "area_code"], name="boxitem_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.medicine}（{self.expires_on}）"


class MovementKind(models.TextChoices):
    LEAVE = "leave", "放入"
    TAKE = "take", "取用"
    MOVE_OUT = "move_out", "调出"
    MOVE_IN = "move_in", "调入"
    DISCARD = "discard", "过期销毁"


class BoxMovement(AreaScoped):
    """Taking and leaving, recorded by the custodian (append-only)."""

    area_source = "box"

    box = fk(MedicineBox, "药箱", "movements")
    item = fk(BoxItem, "药品批次", "movements")
    medicine = fk(OtcMedicine, "药品")
    kind = models.CharField("类型", max_length=10, choices=MovementKind)
    quantity = models.PositiveIntegerField("数量")
    occurred_at = models.DateTimeField("时间")
    recorded_by = user_fk("记录人", null=False)

    objects = MedicineBoxQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "药箱取放记录"
        indexes = [
            models.Index(fields=["medicine", "kind", "occurred_at"], name="boxmove_usage_idx")
        ]
