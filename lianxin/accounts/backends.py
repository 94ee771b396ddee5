"""The session's user read together with the grants of his active assignments (issue #15): one
statement per request instead of two. Nothing is kept between requests, so a removed
assignment takes effect on the user's next request as before."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from .models import User
from .selectors import GRANTS_ATTRIBUTE


def grant_rows(text: str | None) -> list[dict[str, Any]]:
    """The rows of the JSON array, in assignment order."""
    return sorted(json.loads(text or "[]"), key=lambda row: row["id"])


class ScopedModelBackend(ModelBackend):
    """Django's model backend whose ``get_user`` (once per request, for the session) also reads
    the user's active grants in the same statement; ``selectors.scope_for_user`` uses them."""

    def get_user(self, user_id: Any) -> Any:
        # the user's active assignments as a JSON array (constant SQL: no parameter, no input)
        if connection.vendor == "postgresql":
            grants = RawSQL(
                "SELECT COALESCE(json_agg(json_build_object('id', a.id, 'role', a.role,"
                " 'area', a.area_id, 'grid', a.grid_id, 'organisation', a.organisation_id)),"
                " '[]'::json)::text FROM accounts_assignment a"
                ' WHERE a.user_id = "accounts_user"."id" AND a.is_active',
                (),
                output_field=TextField(),
            )
        elif connection.vendor == "sqlite":
            grants = RawSQL(
                "SELECT json_group_array(json_object('id', a.id, 'role', a.role,"
                " 'area', a.area_id, 'grid', a.grid_id, 'organisation', a.organisation_id))"
                " FROM accounts_assignment a"
                ' WHERE a.user_id = "accounts_user"."id" AND a.is_active',
                (),
                output_field=TextField(),
            )
        else:
            return super().get_user(user_id)
        try:
            user = User._default_manager.annotate(_grants_json=grants).get(pk=user_id)
        except User.DoesNotExist:
            return None
        setattr(user, GRANTS_ATTRIBUTE, grant_rows(user._grants_json))
        return user if self.user_can_authenticate(user) else None
