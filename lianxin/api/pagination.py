"""Kept for settings written against the old path; the class lives in lianxin.core.drf."""

from lianxin.core.drf import StandardPagination

__all__ = ["StandardPagination"]
