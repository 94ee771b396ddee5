"""Jobs for people with disabilities on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet

from lianxin.core.indicators import Column, Indicator, register

from .models import JobSeeker, Placement, PlacementStatus, Post, PostStatus


def seekers(area: str) -> QuerySet[JobSeeker]:
    return JobSeeker.objects.filter(area_code__startswith=area).order_by("pk")


def posts(area: str) -> QuerySet[Post]:
    return Post.objects.filter(area_code__startswith=area, status=PostStatus.OPEN).order_by("pk")


def placed(area: str) -> QuerySet[Placement]:
    return Placement.objects.filter(
        area_code__startswith=area, status=PlacementStatus.ACTIVE
    ).order_by("pk")


def register_all() -> None:
    register(
        Indicator(
            "employment.seekers",
            "登记求职的残疾人",
            "employment",
            rows=seekers,
            columns=(Column("状态", lambda s: s.get_status_display()),),
            counts_people=True,
            definition="填写就业意向登记的残疾人",
            order=1,
        )
    )
    register(
        Indicator(
            "employment.posts",
            "在招岗位",
            "employment",
            rows=posts,
            columns=(Column("岗位", lambda p: p.title),),
            definition="状态为招聘中的岗位",
            order=2,
        )
    )
    register(
        Indicator(
            "employment.placed",
            "在岗安置人数",
            "employment",
            rows=placed,
            columns=(Column("安置途径", lambda p: p.get_route_display()),),
            counts_people=True,
            definition="安置后仍在岗的人数",
            order=3,
        )
    )
