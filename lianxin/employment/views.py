"""Pages of the employment app: the public intention form (phone, no login), the coaches' phone
pages (assessment, follow-up, outreach visit), the federation's pages (seekers, employers, posts,
matching, placements, the season's funnel) and the employer's own page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import audit, idnumber, limits, phone
from lianxin.core.errors import ApplicationError
from lianxin.core.idnumber import MaskTier
from lianxin.core.pages import action_page, attempt, told
from lianxin.core.pagination import list_filters, list_page, paginate
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.registry import selectors as registry_selectors

from . import exports, forms, selectors, services
from .models import (
    EmployerKind,
    MatchStatus,
    OutreachStatus,
    PlacementStatus,
    PostStatus,
    Route,
    SeekerStatus,
)
from .workflows import MATCH_WORKFLOW, PLACEMENT_WORKFLOW, SEEKER_WORKFLOW

PUBLIC_SUBMIT_PER_HOUR = 5


def _is_staff(user: Any) -> bool:
    return scope_of(user).has_role(*AREA_STAFF_ROLES)


def _seeker_label(user: Any, match_or_seeker: Any) -> str:
    """Staff see the seeker's name; an employer's staff see the name only when the seeker
    agreed to share it, else the seeker's code."""
    seeker = getattr(match_or_seeker, "seeker", match_or_seeker)
    if _is_staff(user) or "name" in (seeker.share or []):
        return seeker.name
    return seeker.code


def _buttons(workflow: Any, user: Any, obj: Any) -> list[Any]:
    """Transitions the user may take now that have a page action (a service)."""
    return [t for t in workflow.available(user, obj) if t.service]


def _error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[], Any],
    done: Callable[[Any], str] | str,
    then: Callable[[Any], HttpResponse],
    title: str,
    back: str,
    **extra: Any,
) -> HttpResponse:
    """A page that posts one form to one service, on ``employment/form.html``. A valid POST runs
    ``save()``; a refusal comes back as a message above the form with what was typed kept; success
    says ``done`` (or ``done(result)``) and answers ``then(result)``, a redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except ApplicationError as exc:
            _error(request, exc)
        else:
            if done:
                messages.success(request, done(result) if callable(done) else done)
            return then(result)
    return render(
        request, "employment/form.html", {"form": form, "title": title, "back": back, **extra}
    )


def _to(url_name: str, pk: int) -> Callable[[Any], HttpResponse]:
    return lambda _result: redirect(url_name, pk=pk)


def _season(request: HttpRequest, seasons: list[Any]) -> Any:
    return next((s for s in seasons if str(s.pk) == request.POST.get("season")), None)


# --- public intention form --------------------------------------------------------------------


def public_apply(request: HttpRequest) -> HttpResponse:
    """就业意向登记 (public, phone first). The answer never says whether the person is known."""
    form = forms.PublicIntentionForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if limits.public_throttled(request, "employment", limit=PUBLIC_SUBMIT_PER_HOUR):
            return render(
                request,
                "employment/public/apply.html",
                {"form": form, "error": "提交过于频繁，请稍后再试，或到社区、残联窗口登记"},
                status=429,
            )
        if form.is_valid():
            try:
                services.seeker_submit_public(
                    actor=None,
                    name=form.cleaned_data["name"],
                    id_number=form.cleaned_data["id_number"],
                    phone_number=form.cleaned_data["phone"],
                    division_name=form.cleaned_data["division"],
                    intention=form.intention(),
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                return render(request, "employment/public/done.html")
        else:
            error = "请检查填写的内容"
    return render(request, "employment/public/apply.html", {"form": form, "error": error})


# --- home ---------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not _is_staff(request.user):
        if selectors.is_employer_user(request.user):
            return redirect("employment:my_posts")
        raise Http404("未找到或无权访问")
    return render(
        request,
        "employment/index.html",
        {
            "figures": selectors.my_figures(user=request.user),
            "due": selectors.followups_due(user=request.user)[:10],
            "seasons": selectors.season_list(user=request.user)[:5],
        },
    )


# --- seekers ------------------------------------------------------------------------------------


@login_required
def seeker_list(request: HttpRequest) -> HttpResponse:
    f = list_filters(request, "status", "q")
    return list_page(
        request,
        "employment/seeker_list.html",
        selectors.seeker_list(user=request.user, status=f["status"], search=f["q"]),
        **f,
        statuses=SeekerStatus.choices,
    )


@login_required
def seeker_new(request: HttpRequest) -> HttpResponse:
    """社区/残联代为登记: find the resident by full ID number, then fill the intention form."""
    if not _is_staff(request.user):
        raise Http404("未找到或无权访问")
    person = None
    id_number = (request.POST.get("id_number") or request.GET.get("id_number") or "").strip()
    if id_number:
        person = registry_selectors.person_find(user=request.user, id_number=id_number).first()
    form = forms.StaffIntentionForm(request.POST if request.method == "POST" and person else None)
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            seeker = services.seeker_register(
                actor=request.user,
                person=person,
                source=form.cleaned_data["source"],
                intention=form.intention(),
            )
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已登记{seeker.name}的就业意向")
            return redirect("employment:seeker_detail", pk=seeker.pk)
    disability = registry_selectors.active_disability_of(person) if person else None
    return render(
        request,
        "employment/seeker_new.html",
        {
            "form": form,
            "person": person,
            "disability": disability,
            "searched": bool(id_number),
            "masked_id": registry_selectors.masked_id_number(user=request.user, person=person)
            if person
            else "",
        },
    )


def _masked_id(user: Any, seeker: Any) -> str:
    if seeker.person_id:
        return registry_selectors.masked_id_number(user=user, person=seeker.person)
    return idnumber.mask(seeker.id_number or "", MaskTier.STAFF)


@login_required
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=seeker, fields=["disability", "id_number"])
    ranked = (
        selectors.ranked_posts(user=request.user, seeker=seeker)
        if seeker.status == SeekerStatus.VERIFIED
        else []
    )
    matches = [
        {"match": m, "actions": _buttons(MATCH_WORKFLOW, request.user, m)}
        for m in selectors.seeker_matches(seeker)
    ]
    return render(
        request,
        "employment/seeker_detail.html",
        {
            "seeker": seeker,
            "masked_id": _masked_id(request.user, seeker),
            "masked_phone": phone.mask(seeker.phone or ""),
            "age": selectors.age_of(seeker.birth_year),
            "actions": _buttons(SEEKER_WORKFLOW, request.user, seeker),
            "assessments": selectors.seeker_assessments(seeker),
            "ranked": ranked,
            "matches": matches,
            "placements": selectors.seeker_placements(seeker),
            "share_labels": dict(forms.SHARE_CHOICES),
            "can_place": seeker.status == SeekerStatus.VERIFIED,
        },
    )


def _intention_initial(seeker: Any) -> dict[str, Any]:
    return {
        "preferred_posts": seeker.preferred_posts,
        "expected_pay_yuan": seeker.expected_pay_fen / 100,
        "skills": seeker.skills,
        "other_skills": seeker.other_skills,
        "daily_hours": seeker.max_daily_minutes / 60,
        "work_places": seeker.work_places,
        "max_commute_km": seeker.max_commute_km,
        "needs_accessible": seeker.needs_accessible,
        "accommodations": seeker.accommodations,
        "share": seeker.share,
    }


@login_required
def seeker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
    form = forms.IntentionForm(request.POST or None, initial=_intention_initial(seeker))
    return _form_page(
        request,
        form,
        save=lambda: services.seeker_update_intention(
            actor=request.user, seeker=seeker, intention=form.intention()
        ),
        done="已更新就业意向",
        then=_to("employment:seeker_detail", seeker.pk),
        title=f"更新就业意向：{seeker.name}",
        back=reverse("employment:seeker_detail", args=[seeker.pk]),
    )


seeker_action = action_page(
    "seeker_action", selectors.seeker_get_for_user, SEEKER_WORKFLOW, told("已办理"),
    "employment:seeker_detail", module=__name__,
)  # fmt: skip


@login_required
def seeker_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """一对一评估 (the coach's phone page)."""
    seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
    form = forms.AssessmentForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda: services.assessment_record(
            actor=request.user, seeker=seeker, **form.cleaned_data
        ),
        done="已记录评估",
        then=_to("employment:seeker_detail", seeker.pk),
        title=f"一对一评估：{seeker.name}",
        back=reverse("employment:seeker_detail", args=[seeker.pk]),
        phone=True,
    )


@login_required
def seeker_place(request: HttpRequest, pk: int) -> HttpResponse:
    """安置 without a match: the sunshine factory, assisted employment, a public-welfare post."""
    seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
    employers = list(selectors.employers_for_placement(user=request.user))
    posts = list(selectors.open_posts_for_placement(user=request.user))
    form = forms.PlacementForm(request.POST or None, employers=employers, posts=posts)

    def save() -> Any:
        d = form.cleaned_data
        by_pk = {e.pk: e for e in employers}
        post = next((p for p in posts if p.pk == d["post"]), None)
        return services.placement_create(
            actor=request.user,
            seeker=seeker,
            route=d["route"],
            employer=by_pk[d["employer"]],
            post=post,
            started_on=d["started_on"],
            monthly_pay_fen=forms.yuan_to_fen(d["monthly_pay_yuan"]),
            daily_minutes=forms.hours_to_minutes(d["daily_hours"]),
            social_insurance=d["social_insurance"],
            work_type=d["work_type"],
            season=post.season if post else None,
        )

    return _form_page(
        request,
        form,
        save=save,
        done=lambda placement: (
            "已办理安置" + (f"；{placement.care_note}" if placement.care_note else "")
        ),
        then=lambda placement: redirect("employment:placement_detail", pk=placement.pk),
        title=f"办理安置：{seeker.name}",
        back=reverse("employment:seeker_detail", args=[seeker.pk]),
    )


# --- employers and posts ------------------------------------------------------------------------


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    f = list_filters(request, "kind", "outreach", "q")
    return list_page(
        request,
        "employment/employer_list.html",
        selectors.employer_list(
            user=request.user, kind=f["kind"], outreach=f["outreach"], search=f["q"]
        ),
        **f,
        kinds=EmployerKind.choices,
        outreaches=OutreachStatus.choices,
        is_staff=_is_staff(request.user),
    )


@login_required
def employer_new(request: HttpRequest) -> HttpResponse:
    if not _is_staff(request.user):
        raise Http404("未找到或无权访问")
    form = forms.EmployerForm(request.POST or None)
    areas = sorted(
        {g.area_code for g in scope_of(request.user).grants if g.role in AREA_STAFF_ROLES}
    )

    def save() -> Any:
        from lianxin.areas.models import Division

        code = request.POST.get("area", "") or (areas[0] if areas else "")
        area = Division.objects.filter(code=code).first()
        if area is None:
            raise ApplicationError("请选择所在区域")
        return services.employer_register(
            actor=request.user,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            area=area,
            industry=form.cleaned_data["industry"],
            staff_count=form.cleaned_data["staff_count"],
            disabled_staff_count=form.cleaned_data["disabled_staff_count"] or 0,
            address=form.cleaned_data["address"],
        )

    return _form_page(
        request,
        form,
        save=save,
        done="",
        then=lambda employer: redirect("employment:employer_detail", pk=employer.pk),
        title="登记用人单位",
        back=reverse("employment:employer_list"),
        areas=areas,
    )


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get_for_user(user=request.user, pk=pk)
    factory = (
        selectors.sunshine_factory(user=request.user, employer=employer)
        if employer.kind == EmployerKind.SUNSHINE_FACTORY
        else None
    )
    staff = _is_staff(request.user)
    return render(
        request,
        "employment/employer_detail.html",
        {
            "employer": employer,
            "factory": factory,
            "visits": selectors.employer_visits(employer) if staff else [],
            "plans": selectors.employer_plans(employer),
            "posts": employer.posts.order_by("-pk"),
            "is_staff": staff,
            "shortfall": max(
                0,
                employer.quota_required
                - employer.disabled_staff_count
                - employer.placements.filter(status=PlacementStatus.ACTIVE).count(),
            ),
        },
    )


def _employer_form_page(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    service: Callable[..., Any],
    *,
    title: str,
    staff_only: bool = False,
    fields: Callable[[Any], Mapping[str, Any]] = lambda form: form.cleaned_data,
    then: Callable[[Any], HttpResponse] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A form about one employer in a recruiting season (a visit, a plan, a post): ``service``
    gets the employer, the season picked and the form's ``fields``; back to the employer's page."""
    employer = selectors.employer_get_for_user(user=request.user, pk=pk)
    if staff_only and not _is_staff(request.user):
        raise Http404("未找到或无权访问")
    seasons = list(selectors.season_list(user=request.user)[:20])
    form = form_class(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda: service(
            actor=request.user,
            employer=employer,
            season=_season(request, seasons),
            **fields(form),
        ),
        then=then or _to("employment:employer_detail", employer.pk),
        title=f"{title}：{employer.name}",
        back=reverse("employment:employer_detail", args=[employer.pk]),
        seasons=seasons,
        **extra,
    )


@login_required
def employer_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """走访企业 (phone page)."""
    return _employer_form_page(
        request, pk, forms.OutreachForm, services.outreach_record, title="走访",
        done="已记录走访", staff_only=True, phone=True,
    )  # fmt: skip


@login_required
def employer_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_form_page(
        request, pk, forms.PlanForm, services.plan_declare, title="招聘计划", done="已申报招聘计划"
    )


@login_required
def post_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _employer_form_page(
        request, pk, forms.PostForm, services.post_create, title="发布岗位", done="已发布岗位",
        fields=lambda form: {"data": form.post_data()},
        then=lambda post: redirect("employment:post_detail", pk=post.pk),
    )  # fmt: skip


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    f = list_filters(request, "status", "route", "q")
    return list_page(
        request,
        "employment/post_list.html",
        selectors.post_list(user=request.user, status=f["status"], route=f["route"], search=f["q"]),
        **f,
        statuses=PostStatus.choices,
        routes=Route.choices,
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    staff = _is_staff(request.user)
    ranked = (
        selectors.ranked_seekers(user=request.user, post=post)
        if staff and post.status == PostStatus.OPEN
        else []
    )
    matches = [
        {
            "match": m,
            "label": _seeker_label(request.user, m),
            "actions": _buttons(MATCH_WORKFLOW, request.user, m),
        }
        for m in post.matches.select_related("seeker").order_by("-pk")
    ]
    return render(
        request,
        "employment/post_detail.html",
        {"post": post, "ranked": ranked, "matches": matches, "is_staff": staff},
    )


@login_required
@require_POST
def post_close(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_user(user=request.user, pk=pk)
    attempt(
        request,
        lambda: services.post_close(
            actor=request.user, post=post, reason=request.POST.get("reason", "")
        ),
        "岗位已关闭",
    )
    return redirect("employment:post_detail", pk=post.pk)


# --- matching -----------------------------------------------------------------------------------


@login_required
@require_POST
def match_propose(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
    try:
        post = selectors.post_get_for_user(user=request.user, pk=int(request.POST.get("post", 0)))
    except ValueError as exc:
        raise Http404("未找到或无权访问") from exc
    attempt(
        request,
        lambda: services.match_propose(actor=request.user, seeker=seeker, post=post),
        f"已向{seeker.name}推荐“{post.title}”",
    )
    if request.POST.get("back") == "post":
        return redirect("employment:post_detail", pk=post.pk)
    return redirect("employment:seeker_detail", pk=seeker.pk)


@login_required
def match_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    ctx = paginate(request, selectors.match_list(user=request.user, status=status))
    for m in ctx["object_list"]:
        m.label = _seeker_label(request.user, m)
    ctx.update({"status": status, "statuses": MatchStatus.choices})
    return render(request, "employment/match_list.html", ctx)


@login_required
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk)
    staff = _is_staff(request.user)
    card = selectors.candidate_card(match)
    audit.record_view(
        actor=request.user,
        target=match,
        fields=["candidate." + k for k in card["shared"]] or ["candidate"],
    )
    return render(
        request,
        "employment/match_detail.html",
        {
            "match": match,
            "card": card,
            "is_staff": staff,
            "label": _seeker_label(request.user, match),
            "reasons": selectors.visible_reasons(match, staff=staff),
            "actions": _buttons(MATCH_WORKFLOW, request.user, match),
            "place_form": forms.MatchPlaceForm(
                initial={
                    "monthly_pay_yuan": match.post.monthly_pay_fen / 100,
                    "daily_hours": match.post.daily_minutes / 60,
                    "social_insurance": match.post.social_insurance,
                    "work_type": match.post.title,
                }
            ),
        },
    )


@login_required
@require_POST
def match_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    match = selectors.match_get_for_user(user=request.user, pk=pk)
    if action in ("seeker_accept", "seeker_confirm", "employer_accept", "employer_confirm"):
        try:
            MATCH_WORKFLOW.check(request.user, match, action)
            services.match_answer(actor=request.user, obj=match, name=action)
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已记录同意")
        return redirect("employment:match_detail", pk=match.pk)
    if action in ("seeker_decline", "employer_decline"):
        try:
            MATCH_WORKFLOW.check(request.user, match, action)
            services.match_decline(
                actor=request.user, obj=match, reason=request.POST.get("reason", ""),
                side=action.split("_")[0],
            )  # fmt: skip
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已记录婉拒")
        return redirect("employment:match_detail", pk=match.pk)
    result = MATCH_WORKFLOW.perform(request, match, action)
    if not result.ok:
        messages.error(request, result.error)
        return redirect("employment:match_detail", pk=match.pk)
    if action == "place":
        messages.success(
            request,
            "已办理上岗" + (f"；{result.result.care_note}" if result.result.care_note else ""),
        )
        return redirect("employment:placement_detail", pk=result.result.pk)
    messages.success(request, "已办理")
    return redirect("employment:match_detail", pk=match.pk)


# --- placements and follow-ups ------------------------------------------------------------------


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    route = request.GET.get("route", "")
    ctx = paginate(request, selectors.placement_list(user=request.user, status=status, route=route))
    for p in ctx["object_list"]:
        p.label = _seeker_label(request.user, p)
    ctx.update(
        {
            "status": status,
            "route": route,
            "statuses": PlacementStatus.choices,
            "routes": Route.choices,
        }
    )
    return render(request, "employment/placement_list.html", ctx)


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get_for_user(user=request.user, pk=pk)
    staff = _is_staff(request.user)
    from .models import FOLLOW_UP_MONTHS
    from .services import followup_due_on

    followups = {f.month: f for f in selectors.placement_followups(placement)}
    milestones = [(m, followup_due_on(placement, m), followups.get(m)) for m in FOLLOW_UP_MONTHS]
    return render(
        request,
        "employment/placement_detail.html",
        {
            "placement": placement,
            "label": _seeker_label(request.user, placement),
            "milestones": milestones if staff else [],
            "is_staff": staff,
            "actions": _buttons(PLACEMENT_WORKFLOW, request.user, placement),
            "end_form": forms.PlacementEndForm(),
        },
    )


@login_required
def placement_followup(request: HttpRequest, pk: int) -> HttpResponse:
    """跟踪回访 (the coach's phone page)."""
    placement = selectors.placement_get_for_user(user=request.user, pk=pk)
    if not _is_staff(request.user):
        raise Http404("未找到或无权访问")
    initial = {
        "month": request.GET.get("month", 1),
        "monthly_pay_yuan": placement.monthly_pay_fen / 100,
    }
    form = forms.FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.followup_record(
                actor=request.user,
                placement=placement,
                month=d["month"],
                visited_on=d["visited_on"],
                still_employed=d["still_employed"],
                monthly_pay_fen=forms.yuan_to_fen(d["monthly_pay_yuan"])
                if d["monthly_pay_yuan"] is not None
                else None,
                problems=d["problems"],
                support=d["support"],
            )
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已记录回访")
            return redirect("employment:placement_detail", pk=placement.pk)
    return render(
        request,
        "employment/form.html",
        {
            "form": form,
            "title": f"就业回访：{placement.seeker.name}",
            "back": reverse("employment:placement_detail", args=[placement.pk]),
            "phone": True,
        },
    )


placement_action = action_page(
    "placement_action", selectors.placement_get_for_user, PLACEMENT_WORKFLOW, told("已登记离岗"),
    "employment:placement_detail", module=__name__,
)  # fmt: skip


@login_required
def followups_due(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "employment/followups_due.html",
        {"due": selectors.followups_due(user=request.user)},
    )


# --- seasons and the funnel ---------------------------------------------------------------------


@login_required
def season_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request, "employment/season_list.html", selectors.season_list(user=request.user)
    )


def _funnel_rows(figures: dict[str, int]) -> list[tuple[str, int, str]]:
    first = figures.get("visited") or 0
    rows = []
    for key, label in selectors.FUNNEL_LABELS:
        value = figures[key]
        share = f"{value * 100 / first:.0f}%" if first and key in ("visited", "willing") else ""
        rows.append((label, value, share))
    return rows


@login_required
def season_detail(request: HttpRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for_user(user=request.user, pk=pk)
    figures = selectors.funnel(user=request.user, season=season)
    from lianxin.registry.models import DisabilityType

    counties = sorted(
        {g.area_code[:6] for g in scope_of(request.user).grants if len(g.area_code) >= 6}
    )
    return render(
        request,
        "employment/season_detail.html",
        {
            "season": season,
            "funnel": _funnel_rows(figures),
            "funnel_data": {
                "labels": [r[0] for r in _funnel_rows(figures)],
                "values": [r[1] for r in _funnel_rows(figures)],
            },
            "totals": selectors.season_totals(user=request.user, season=season),
            "breakdown": selectors.placements_breakdown(user=request.user, season=season),
            "routes": Route.choices,
            "types": DisabilityType.choices,
            "counties": counties,
        },
    )


@login_required
@require_POST
def season_return(request: HttpRequest, pk: int) -> HttpResponse:
    season = selectors.season_get_for_user(user=request.user, pk=pk)
    from lianxin.areas.models import Division

    county = Division.objects.filter(code=request.POST.get("county", "")).first()
    try:
        if county is None:
            raise ApplicationError("请选择县(区)")
        services.season_return_save(
            actor=request.user,
            season=season,
            county=county,
            route=request.POST.get("route", ""),
            disability_type=request.POST.get("disability_type", ""),
            posts_developed=int(request.POST.get("posts_developed") or 0),
            newly_employed=int(request.POST.get("newly_employed") or 0),
        )
    except ValueError:
        messages.error(request, "请填写整数")
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已保存县区报送数据")
    return redirect("employment:season_detail", pk=season.pk)


@login_required
def season_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    season = selectors.season_get_for_user(user=request.user, pk=pk)
    response = exports.season_xlsx(user=request.user, season=season)
    audit.record(actor=request.user, action="employment.season.export", target=season)
    return response


# --- the employer's own page --------------------------------------------------------------------


@login_required
def my_posts(request: HttpRequest) -> HttpResponse:
    """用人单位: its posts and the candidates proposed to it (only what they agreed to share)."""
    if not selectors.is_employer_user(request.user):
        raise Http404("未找到或无权访问")
    candidates = list(selectors.employer_candidates(user=request.user)[:200])
    cards = []
    for m in candidates:
        cards.append(
            {
                "match": m,
                "card": selectors.candidate_card(m),
                "label": _seeker_label(request.user, m),
                "actions": _buttons(MATCH_WORKFLOW, request.user, m),
            }
        )
    return render(
        request,
        "employment/my_posts.html",
        {
            "posts": selectors.employer_posts(user=request.user),
            "cards": cards,
            "today": timezone.localdate(),
        },
    )
