from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """“我的工作”: what the user's roles have to do today, over the user's own areas."""
    return render(request, "analytics/home.html", selectors.my_work(user=request.user))
