"""REST API of the love alliance under /api/v1/resources/ (wired by lianxin.api.urls). Reads are
scoped; writes go through the services. A merchant's card check and redemption answer only
validity, a masked name and what the offer allows."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import audit, inputs
from lianxin.core.drf import StrictSerializer, bounded_int, paginated
from lianxin.core.errors import ApplicationError, NotFound
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import actions_payload
from lianxin.registry import selectors as registry_selectors

from . import selectors, services
from .models import CardStatus, PartnerStatus
from .workflows import CARD_WORKFLOW, PARTNER_WORKFLOW


def _partner_out(partner: Any, user: Any) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "name": partner.organisation.name,
        "kind": partner.kind,
        "area_code": partner.area_code,
        "status": partner.status,
        "accepts_points": partner.accepts_points,
        "pledge_text": partner.pledge_text,
        "actions": actions_payload(PARTNER_WORKFLOW, user, partner),
    }


def _offer_out(offer: Any) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "partner_id": offer.partner_id,
        "partner": offer.partner.organisation.name,
        "title": offer.title,
        "category": offer.category,
        "discount_kind": offer.discount_kind,
        "rule": offer.rule_text,
        "percent_off": offer.percent_off,
        "fixed_price_fen": offer.fixed_price_fen,
        "limit_per_visit": offer.limit_per_visit,
        "limit_per_month": offer.limit_per_month,
        "valid_from": offer.valid_from,
        "valid_to": offer.valid_to,
        "is_active": offer.is_active,
    }


routes = ApiRoutes("resources")


@routes("partners/", "partner_list")
class PartnerListApi(APIView):
    @extend_schema(
        summary="爱心联盟成员列表",
        parameters=[OpenApiParameter("status", str), OpenApiParameter("q", str)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.partner_list(
            user=request.user,
            status=request.query_params.get("status", ""),
            search=request.query_params.get("q", "") or request.query_params.get("search", ""),
        )
        return paginated(request, self, qs, lambda p: _partner_out(p, request.user))


@routes("partners/<int:pk>/", "partner_detail")
class PartnerDetailApi(APIView):
    @extend_schema(summary="爱心联盟成员及其优惠", responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        partner = selectors.partner_get_for_user(user=request.user, pk=pk)
        body = _partner_out(partner, request.user)
        body["figures"] = selectors.partner_figures(partner)
        body["offers"] = [
            _offer_out(o) for o in selectors.offer_list(user=request.user, partner=partner)[:200]
        ]
        return Response(body)


@routes("offers/", "offer_list")
class OfferListApi(APIView):
    @extend_schema(
        summary="爱心优惠列表",
        parameters=[OpenApiParameter("category", str)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.offer_list(
            user=request.user, category=request.query_params.get("category", "")
        )
        return paginated(request, self, qs, _offer_out)


def _card_out(card: Any, user: Any) -> dict[str, Any]:
    return {
        "id": card.pk,
        "number": card.number,
        "household_id": card.household_id,
        "household_number": card.household.number,
        "area_code": card.area_code,
        "tier": card.tier,
        "status": card.status,
        "status_reason": card.status_reason,
        "issued_at": card.issued_at,
        "actions": actions_payload(CARD_WORKFLOW, user, card),
    }


@routes("cards/", "card_list")
class CardListApi(APIView):
    @extend_schema(
        summary="爱心卡列表（工作人员）",
        parameters=[OpenApiParameter("status", str), OpenApiParameter("tier", int)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.card_list(
            user=request.user,
            status=request.query_params.get("status", ""),
            tier=str(
                bounded_int(request.query_params.get("tier"), name="tier", label="等级") or ""
            ),
            search=request.query_params.get("q", "") or request.query_params.get("search", ""),
        )
        return paginated(request, self, qs, lambda c: _card_out(c, request.user))


def _merchant_partner(user: Any) -> Any:
    partner = selectors.partners_of_user(user).filter(status=PartnerStatus.APPROVED).first()
    if partner is None:
        raise NotFound("未找到或无权访问")
    return partner


def _check_out(check: Any) -> dict[str, Any]:
    return {
        "number": check.number,
        "valid": check.valid,
        "message": check.message,
        "masked_name": check.masked_name,
        "tier": check.tier_label,
        "offers": check.offers or [],
    }


@routes("cards/<str:number>/check/", "card_check")
class CardCheckApi(APIView):
    @extend_schema(
        summary="商家查验爱心卡：是否有效、脱敏姓名、本店优惠余量", responses={200: dict}
    )
    def get(self, request: Request, number: str) -> Response:
        partner = _merchant_partner(request.user)
        check = selectors.card_check_for_merchant(user=request.user, number=number, partner=partner)
        return Response(_check_out(check))


@routes("cards/<str:number>/redeem/", "card_redeem")
class CardRedeemApi(APIView):
    class Input(StrictSerializer):
        offer = serializers.IntegerField()
        item = serializers.CharField(max_length=120)
        quantity = serializers.IntegerField(min_value=1, default=1)
        market_price_fen = serializers.IntegerField(min_value=1)
        price_paid_fen = serializers.IntegerField(min_value=0)

    @extend_schema(summary="核销爱心卡（商家）", request=Input, responses={201: dict})
    def post(self, request: Request, number: str) -> Response:
        partner = _merchant_partner(request.user)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        offer = selectors.current_offers(partner).filter(pk=values.pop("offer")).first()
        if offer is None:
            raise ApplicationError("请选择本店的有效优惠")
        redemption = services.card_redeem(actor=request.user, number=number, offer=offer, **values)
        check = selectors.card_check_for_merchant(user=request.user, number=number, partner=partner)
        return Response(
            {
                "id": redemption.pk,
                "item": redemption.item,
                "market_price_fen": redemption.market_price_fen,
                "price_paid_fen": redemption.price_paid_fen,
                "discount_fen": redemption.discount_fen,
                "card": _check_out(check),
            },
            status=status.HTTP_201_CREATED,
        )


@routes("redemptions/", "redemption_list")
class RedemptionListApi(APIView):
    @extend_schema(summary="核销记录（商家看本店，工作人员看本辖区）", responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = selectors.redemption_list(user=request.user)
        return paginated(
            request,
            self,
            qs,
            lambda r: {
                "id": r.pk,
                "partner": r.partner.organisation.name,
                "offer": r.offer.title,
                "item": r.item,
                "quantity": r.quantity,
                "market_price_fen": r.market_price_fen,
                "price_paid_fen": r.price_paid_fen,
                "discount_fen": r.discount_fen,
                "month": r.month,
                "redeemed_at": r.redeemed_at,
            },
        )


@routes("households/<int:household_pk>/life-circle/", "life_circle")
class LifeCircleApi(APIView):
    @extend_schema(summary="住户15分钟生活圈内的爱心优惠", responses={200: dict})
    def get(self, request: Request, household_pk: int) -> Response:
        household = registry_selectors.household_get_for_user(user=request.user, pk=household_pk)
        rows = selectors.life_circle_offers(household=household)
        return Response(
            {
                "household_id": household.pk,
                "radius_m": services.life_circle_radius_m(),
                "offers": [
                    {
                        **_offer_out(r["offer"]),
                        "shop": r["shop"].name,
                        "address": r["shop"].address,
                        "distance_m": r["distance_m"],
                        "walk_minutes": r["walk_minutes"],
                    }
                    for r in rows
                ],
            }
        )


@routes("nearest/", "nearest")
class NearestPointsApi(APIView):
    @extend_schema(
        summary="最近的药店、粮油店、卫生服务站（应急联系卡）",
        parameters=[
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("kinds", str),
            OpenApiParameter("limit", int),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        try:
            lat = float(inputs.number_text(request.query_params.get("lat", "")))
            lon = float(inputs.number_text(request.query_params.get("lon", "")))
            limit = max(1, min(int(inputs.number_text(request.query_params.get("limit", "1"))), 10))
        except ValueError as exc:
            raise ApplicationError("请提供有效的经纬度") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
            raise ApplicationError("请提供有效的经纬度")
        kinds = inputs.split_values(
            request.query_params.get("kinds", "pharmacy,grain_shop,health_station")
        )[:8]
        return Response(
            selectors.nearest_points(latitude=lat, longitude=lon, categories=kinds, limit=limit)
        )


@routes("stock/", "stock_list")
class StockListApi(APIView):
    @extend_schema(summary="捐赠物资库存", responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = selectors.stock_list(user=request.user)
        return paginated(
            request,
            self,
            qs,
            lambda lot: {
                "id": lot.pk,
                "store": lot.store.name,
                "partner": lot.partner.organisation.name,
                "item": lot.item,
                "unit": lot.unit,
                "quantity_left": lot.quantity_left,
                "value_fen": lot.value_fen,
                "expires_on": lot.expires_on,
            },
        )


@routes("medicine/expiring/", "expiring")
class ExpiringMedicineApi(APIView):
    @extend_schema(summary="共享药箱30天内过期的药品", responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = selectors.expiring_items(user=request.user)
        return paginated(
            request,
            self,
            qs,
            lambda item: {
                "id": item.pk,
                "box": item.box.code,
                "medicine": item.medicine.name,
                "quantity": item.quantity,
                "expires_on": item.expires_on,
            },
        )


def _card_for(user: Any, pk: int) -> Any:
    try:
        return selectors.card_get_for_user(user=user, pk=pk)
    except Http404 as exc:
        raise NotFound("未找到或无权访问") from exc


@routes("cards/<int:pk>/", "card_detail")
class CardDetailApi(APIView):
    @extend_schema(summary="爱心卡详情（工作人员）", responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        card = _card_for(request.user, pk)
        audit.record_view(actor=request.user, target=card, fields=["tier"])
        body = _card_out(card, request.user)
        body["status_label"] = CardStatus(card.status).label
        return Response(body)


urlpatterns = routes.urlpatterns
