"""OpenAPI generation: unique component names for nested Input/Output serializers (the
HackSoft style nests them in each API view) and operation ids unique per path and method."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema


class LianxinAutoSchema(AutoSchema):
    def _get_serializer_name(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        qualname = type(serializer).__qualname__
        if "." in qualname:  # nested in an API view: prefix the view's name
            outer = qualname.rsplit(".", 1)[0].replace(".", "")
            name = f"{outer.removesuffix('Api').removesuffix('View')}{name}"
        return name

    def get_operation_id(self) -> str:
        path = re.sub(r"[^A-Za-z0-9]+", "_", self.path.strip("/")).strip("_")
        return f"{path}_{self.method.lower()}"
