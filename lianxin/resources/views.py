"""Pages of the love alliance (thin: forms parse, services decide, selectors read). The merchant's
redemption page and the custodian's box page are made for a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lianxin.areas.models import Division, Level
from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.pages import action_page, attempt, told
from lianxin.core.pagination import list_filters, list_page, paginate
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.registry import selectors as registry_selectors

from . import exports, forms, qr, selectors, services
from .models import (
    CardStatus,
    CardTier,
    LocationKind,
    MedicineBox,
    Offer,
    OtcMedicine,
    Partner,
    PartnerStatus,
    Pledge,
)
from .workflows import CARD_WORKFLOW, PARTNER_WORKFLOW


def _staff(user: Any) -> bool:
    return scope_of(user).has_role(*AREA_STAFF_ROLES, Role.LEADER, Role.GRID_WORKER)


def _require_staff(user: Any) -> None:
    if not scope_of(user).has_role(*AREA_STAFF_ROLES, Role.LEADER, Role.GRID_WORKER):
        raise Http404("未找到或无权访问")


def _error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _month(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 (a month, no time)
    except ValueError:
        return None


# --- partners ------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if selectors.user_is_partner(request.user) and not _staff(request.user):
        return redirect("resources:my_partner")
    filters = list_filters(request, "status", "kind", "q")
    return list_page(
        request,
        "resources/index.html",
        selectors.partner_list(
            user=request.user, status=filters["status"], kind=filters["kind"], search=filters["q"]
        ),
        filters=filters,
        statuses=PartnerStatus.choices,
        can_apply=bool(selectors.area_choices(user=request.user)),
        raised=selectors.value_raised_by_partner(user=request.user)[:20],
    )


def _apply_areas(user: Any) -> list[Division]:
    return [
        d
        for d in selectors.area_choices(user=user)
        if d.level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP)
    ]


@login_required
def partner_apply(request: HttpRequest) -> HttpResponse:
    areas = _apply_areas(request.user)
    if not areas:
        raise Http404("未找到或无权访问")
    form = forms.PartnerApplyForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_apply(
                actor=request.user,
                area=Division.objects.get(code=data.pop("area")),
                **data,
            )
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, "申请已提交，待民政部门审核")
            return redirect("resources:partner_detail", pk=partner.pk)
    return render(request, "resources/partner_apply.html", {"form": form})


def _partner_page(request: HttpRequest, partner: Partner) -> HttpResponse:
    context = {
        "partner": partner,
        "workflow": PARTNER_WORKFLOW,
        "figures": selectors.partner_figures(partner),
        "offers": selectors.offer_list(user=request.user, partner=partner),
        "locations": partner.locations.filter(is_active=True).select_related("division"),
        "is_own": services.acts_for_partner(request.user, partner),
        "offer_form": forms.OfferForm(),
        "note_form": forms.NoteForm(),
    }
    return render(request, "resources/partner_detail.html", context)


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _partner_page(request, selectors.partner_get_for_user(user=request.user, pk=pk))


@login_required
def my_partner(request: HttpRequest) -> HttpResponse:
    partner = selectors.partners_of_user(request.user).first()
    if partner is None:
        return render(request, "resources/no_partner.html")
    return _partner_page(request, partner)


partner_action = action_page(
    "partner_action", selectors.partner_get_for_user, PARTNER_WORKFLOW, told(),
    "resources:partner_detail", module=__name__,
)  # fmt: skip


@login_required
@require_POST
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_for_user(user=request.user, pk=pk)
    form = forms.OfferForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "请检查优惠内容："
            + "；".join(
                f"{form.fields[k].label}{v[0]}" for k, v in form.errors.items() if k in form.fields
            ),
        )
    else:
        attempt(
            request,
            lambda: services.offer_create(actor=request.user, partner=partner, **form.cleaned_data),
            "优惠已发布",
        )
    return redirect("resources:partner_detail", pk=partner.pk)


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    attempt(request, lambda: services.offer_withdraw(actor=request.user, offer=offer), "优惠已撤下")
    return redirect("resources:partner_detail", pk=offer.partner_id)


@login_required
def points_merchants(request: HttpRequest) -> HttpResponse:
    codes = scope_of(request.user).all_area_codes()
    area = codes[0][:6] if codes else ""
    merchants = selectors.points_merchants(area_code=area) if area else Partner.objects.none()
    return render(request, "resources/points_merchants.html", {"merchants": merchants[:200]})


# --- the merchant's phone --------------------------------------------------------------------


@login_required
def redeem(request: HttpRequest) -> HttpResponse:
    partners = list(selectors.partners_of_user(request.user).filter(status=PartnerStatus.APPROVED))
    if not partners:
        raise Http404("未找到或无权访问")
    partner = partners[0]
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    check = None
    form = forms.RedeemForm(request.POST or None)
    done = None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = selectors.current_offers(partner).get(pk=data["offer"])
                done = services.card_redeem(
                    actor=request.user,
                    number=data["number"],
                    offer=offer,
                    item=data["item"],
                    quantity=data["quantity"],
                    market_price_fen=data["market_price_fen"],
                    price_paid_fen=data["price_paid_fen"],
                )
            except ApplicationError as exc:
                _error(request, exc)
            except Offer.DoesNotExist:
                messages.error(request, "请选择本店的有效优惠")
            else:
                messages.success(
                    request,
                    f"核销成功：{done.item}，让利{done.discount_fen / 100:.2f}元",
                )
                return redirect(reverse("resources:redeem") + f"?number={done.card.number}")
        else:
            messages.error(request, "请填写商品、市场价和实付金额")
    if number:
        check = selectors.card_check_for_merchant(user=request.user, number=number, partner=partner)
    recent = selectors.redemption_list(user=request.user, partner=partner)[:10]
    return render(
        request,
        "resources/redeem.html",
        {"partner": partner, "number": number, "check": check, "recent": recent, "form": form},
    )


@login_required
def redemption_index(request: HttpRequest) -> HttpResponse:
    month = _month(request.GET.get("month", ""))
    partner = None
    if selectors.user_is_partner(request.user) and not _staff(request.user):
        partner = selectors.partners_of_user(request.user).first()
    qs = selectors.redemption_list(user=request.user, partner=partner, month=month)
    context = {
        "ledger": selectors.redemptions_by_partner_month(user=request.user)[:60],
        "month": request.GET.get("month", ""),
    }
    context.update(paginate(request, qs))
    return render(request, "resources/redemption_index.html", context)


# --- cards ---------------------------------------------------------------------------------------


@login_required
def card_index(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    filters = list_filters(request, "status", "tier", "q")
    areas = selectors.area_choices(user=request.user)
    return list_page(
        request,
        "resources/card_index.html",
        selectors.card_list(
            user=request.user, status=filters["status"], tier=filters["tier"], search=filters["q"]
        ),
        filters=filters,
        statuses=CardStatus.choices,
        tiers=CardTier.choices,
        tally=selectors.card_tally(user=request.user),
        issue_form=forms.IssueForm(areas=areas) if areas else None,
    )


@login_required
@require_POST
def card_issue(request: HttpRequest) -> HttpResponse:
    areas = selectors.area_choices(user=request.user)
    form = forms.IssueForm(request.POST, areas=areas)
    if not areas or not form.is_valid():
        messages.error(request, "请选择发卡区域和类别")
        return redirect("resources:card_index")
    try:
        result = services.cards_issue(
            actor=request.user,
            area_code=form.cleaned_data["area_code"],
            tiers=form.cleaned_data["tiers"],
        )
    except ApplicationError as exc:
        _error(request, exc)
    else:
        detail = (
            "，".join(f"{CardTier(t).label}{n}张" for t, n in result.issued.items() if n)
            or "没有需要发卡的住户"
        )
        messages.success(request, f"发卡{result.total}张：{detail}")
    return redirect("resources:card_index")


@login_required
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=card, fields=["tier"])
    context = {
        "card": card,
        "holder": selectors.card_holder(card),
        "workflow": CARD_WORKFLOW,
        "redemptions": card.redemptions.select_related("partner__organisation").order_by(
            "-redeemed_at"
        )[:20],
        "life_circle": selectors.life_circle_offers(household=card.household)[:20],
        "reason_form": forms.ReasonForm(),
    }
    return render(request, "resources/card_detail.html", context)


@login_required
def card_print(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.card_get_for_user(user=request.user, pk=pk)
    if card.status != CardStatus.ACTIVE:
        messages.error(request, "只有有效的爱心卡可以打印")
        return redirect("resources:card_detail", pk=card.pk)
    audit.record_view(actor=request.user, target=card, fields=["tier", "print"])
    link = request.build_absolute_uri(reverse("resources:redeem") + f"?number={card.number}")
    holder = selectors.card_holder(card)
    return render(
        request,
        "resources/card_print.html",
        {
            "card": card,
            "masked_name": selectors.masked_name(holder["head_name"]),
            "division": holder["division"],
            "qr_svg": qr.svg(link),
        },
    )


@login_required
@require_POST
def card_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    card = selectors.card_get_for_user(user=request.user, pk=pk)
    outcome = CARD_WORKFLOW.perform(request, card, action)
    if not outcome.ok:
        messages.error(request, outcome.error)
        return redirect("resources:card_detail", pk=card.pk)
    if action == "reissue":
        messages.success(request, f"已挂失，新卡号{outcome.result.number_display}")
        return redirect("resources:card_detail", pk=outcome.result.pk)
    messages.success(request, f"已{CARD_WORKFLOW.transition(action).label}")
    return redirect("resources:card_detail", pk=card.pk)


@login_required
def life_circle(request: HttpRequest, pk: int) -> HttpResponse:
    household = registry_selectors.household_get_for_user(user=request.user, pk=pk)
    radius = services.life_circle_radius_m()
    return render(
        request,
        "resources/life_circle.html",
        {
            "household": household,
            "radius": radius,
            "origin": selectors.household_point(household),
            "offers": selectors.life_circle_offers(household=household),
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    areas = selectors.area_choices(user=request.user)
    allowed = [d.code for d in areas]
    area = request.GET.get("area", "") or (allowed[0] if allowed else "")
    if area and not any(area.startswith(code) for code in allowed):
        raise Http404("未找到或无权访问")
    result = selectors.coverage(user=request.user, area_code=area) if area else None
    return render(
        request,
        "resources/coverage.html",
        {"areas": areas, "area": area, "result": result, "radius": services.life_circle_radius_m()},
    )


@login_required
def location_index(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.LocationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            partner = selectors.partners_of_user(request.user).first()
            division = Division.objects.filter(code=data.pop("division")).first()
            try:
                if division is None:
                    raise ApplicationError("未找到该社区(村)代码")
                services.location_add(
                    actor=request.user,
                    partner=partner if partner and not _staff(request.user) else None,
                    division=division,
                    **data,
                )
            except ApplicationError as exc:
                _error(request, exc)
            else:
                messages.success(request, "网点已添加")
                return redirect("resources:location_index")
        else:
            messages.error(request, "请检查网点信息")
    kind = request.GET.get("kind", "")
    context = {"kinds": LocationKind.choices, "kind": kind, "form": forms.LocationForm()}
    context.update(paginate(request, selectors.location_list(user=request.user, kind=kind)))
    return render(request, "resources/location_index.html", context)


# --- donated goods -------------------------------------------------------------------------------


@login_required
def stock_index(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    context = {
        "by_store": selectors.stock_by_store(user=request.user),
        "raised": selectors.value_raised_by_partner(user=request.user),
        "pledges": selectors.pledge_list(user=request.user).filter(status="pledged")[:50],
        "partners": selectors.partner_list(user=request.user, status=PartnerStatus.APPROVED)[:200],
        "stores": selectors.location_list(user=request.user, kind=LocationKind.STORE)[:100],
        "pledge_form": forms.PledgeForm(),
        "receive_form": forms.ReceiveForm(),
        "dispatches": selectors.dispatch_list(user=request.user)[:20],
    }
    context.update(paginate(request, selectors.stock_list(user=request.user)))
    return render(request, "resources/stock_index.html", context)


@login_required
@require_POST
def pledge_create(request: HttpRequest) -> HttpResponse:
    form = forms.PledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查认捐信息")
        return redirect("resources:stock_index")
    data = form.cleaned_data
    partner = selectors.partner_get_for_user(user=request.user, pk=data.pop("partner"))
    attempt(
        request,
        lambda: services.pledge_create(actor=request.user, partner=partner, **data),
        "认捐已登记",
    )
    return redirect("resources:stock_index")


@login_required
@require_POST
def stock_receive(request: HttpRequest) -> HttpResponse:
    form = forms.ReceiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查入库信息")
        return redirect("resources:stock_index")
    data = form.cleaned_data
    store = selectors.location_list(user=request.user).filter(pk=data.pop("store")).first()
    partner = selectors.partner_get_for_user(user=request.user, pk=data.pop("partner"))
    pledge_id = data.pop("pledge")
    pledge = (
        Pledge.objects.for_user(request.user).filter(pk=pledge_id).first() if pledge_id else None
    )
    try:
        if store is None:
            raise ApplicationError("请选择物资仓库")
        services.stock_receive(
            actor=request.user, store=store, partner=partner, pledge=pledge, **data
        )
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已入库")
    return redirect("resources:stock_index")


@login_required
def stock_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.stock_get_for_user(user=request.user, pk=pk)
    _require_staff(request.user)
    return render(
        request,
        "resources/stock_detail.html",
        {
            "lot": lot,
            "dispatches": lot.dispatches.select_related("household").order_by("-id")[:50],
            "form": forms.DispatchForm(),
        },
    )


@login_required
@require_POST
def stock_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    lot = selectors.stock_get_for_user(user=request.user, pk=pk)
    form = forms.DispatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查出库信息")
        return redirect("resources:stock_detail", pk=lot.pk)
    data = form.cleaned_data
    household = None
    try:
        if data["household_number"]:
            household = (
                registry_selectors.household_list(user=request.user)
                .filter(number=data["household_number"].strip())
                .first()
            )
            if household is None:
                raise ApplicationError("未找到该住户")
        services.stock_dispatch(
            actor=request.user,
            item=lot,
            quantity=data["quantity"],
            household=household,
            measure_id=data["measure_id"],
            wish_ref=data["wish_ref"],
        )
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已出库")
    return redirect("resources:stock_detail", pk=lot.pk)


# --- medicine boxes ----------------------------------------------------------------------------


@login_required
def box_index(request: HttpRequest) -> HttpResponse:
    context = {
        "expiring": selectors.expiring_items(user=request.user)[:100],
        "suggestions": selectors.move_suggestions(user=request.user)[:50],
    }
    context.update(paginate(request, selectors.box_list(user=request.user)))
    return render(request, "resources/box_index.html", context)


@login_required
def box_detail(request: HttpRequest, pk: int) -> HttpResponse:
    box = selectors.box_get_for_user(user=request.user, pk=pk)
    others = (
        MedicineBox.objects.for_user(request.user)
        .filter(area_code__startswith=box.area_code[:9], is_active=True)
        .exclude(pk=box.pk)
        .select_related("location")[:50]
    )
    return render(
        request,
        "resources/box_detail.html",
        {
            "box": box,
            "contents": selectors.box_contents(box),
            "history": selectors.box_history(box),
            "medicines": OtcMedicine.objects.filter(is_active=True),
            "others": others,
            "today": services.today(),
        },
    )


@login_required
@require_POST
def box_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    box = selectors.box_get_for_user(user=request.user, pk=pk)
    form: django_forms.Form
    try:
        if action == "leave":
            form = forms.BoxLeaveForm(request.POST)
            if not form.is_valid():
                raise ApplicationError("请填写药品、数量和有效期")
            data = form.cleaned_data
            medicine = OtcMedicine.objects.filter(pk=data.pop("medicine")).first()
            if medicine is None:
                raise ApplicationError("请从非处方药目录中选择药品")
            services.box_leave(actor=request.user, box=box, medicine=medicine, **data)
        elif action in ("take", "discard", "move"):
            form_class = forms.BoxMoveForm if action == "move" else forms.BoxTakeForm
            form = form_class(
                request.POST if action != "discard" else {**request.POST.dict(), "quantity": 1}
            )
            if not form.is_valid():
                raise ApplicationError("请选择药品并填写数量")
            item = box.items.filter(pk=form.cleaned_data["item"]).first()
            if item is None:
                raise ApplicationError("该药箱没有这批药品")
            if action == "take":
                services.box_take(
                    actor=request.user, item=item, quantity=form.cleaned_data["quantity"]
                )
            elif action == "discard":
                services.box_discard(actor=request.user, item=item)
            else:
                to_box = (
                    MedicineBox.objects.for_user(request.user)
                    .filter(pk=form.cleaned_data["to_box"])
                    .first()
                )
                if to_box is None:
                    raise AccessDenied("请选择您能管理的药箱")
                services.box_move(
                    actor=request.user,
                    item=item,
                    to_box=to_box,
                    quantity=form.cleaned_data["quantity"],
                )
        else:
            raise Http404("没有这个操作")
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已登记")
    return redirect("resources:box_detail", pk=box.pk)


# --- exports -------------------------------------------------------------------------------------


EXPORTS = {
    "cards": ("爱心卡发放台账", exports.CARD_HEADERS, exports.card_rows),
    "redemptions": (
        "爱心卡核销（按商家和月份）",
        exports.REDEMPTION_HEADERS,
        exports.redemption_rows,
    ),
    "stock": ("捐赠物资库存", exports.STOCK_HEADERS, exports.stock_rows),
    "expiry": ("共享药箱临期药品", exports.EXPIRY_HEADERS, exports.expiry_rows),
}


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in EXPORTS:
        raise Http404("没有这个导出")
    if kind != "expiry":
        _require_staff(request.user)
    title, headers, rows = EXPORTS[kind]
    handle, count = exports.write_xlsx(title=title, headers=headers, rows=rows(user=request.user))
    audit.record(
        actor=request.user,
        action=f"resources.export.{kind}",
        changes={"rows": count},
    )
    stamp = services.today().strftime("%Y%m%d")
    return FileResponse(handle, as_attachment=True, filename=f"{kind}-{stamp}.xlsx")
