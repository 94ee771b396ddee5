from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import assignments_of

GENERIC_LOGIN_ERROR = "用户名或密码错误。连续失败5次，账户将被锁定30分钟。"
LOCKED_MESSAGE = "登录失败次数过多，账户已被临时锁定，请30分钟后再试或联系安全管理员。"


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logout also empties the browser's copy of the offline app (its IndexedDB, Cache Storage
    and service worker): the device keeps nothing of the worker's grid (issue #21)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The same answer for every locked username, existing or not (AUTH-01)."""
    form = LoginForm(request)
    return render(
        request, "accounts/login.html", {"form": form, "locked_message": LOCKED_MESSAGE}, status=429
    )


@login_required
def my_areas(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/my_areas.html", {"assignments": assignments_of(user=request.user)}
    )
