"""REST API routes of this app (wired under /api/v1/ by lianxin.api.urls)."""

urlpatterns: list = []
