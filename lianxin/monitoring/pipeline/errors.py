"""Errors the comparison pipeline raises; every message is Chinese and names the file."""

from __future__ import annotations


class PipelineError(ValueError):
    """A roster cannot be used as given; the message tells the user what to fix."""


class RosterMissingError(PipelineError):
    """The reference roster (residents) is absent, so nothing can be linked."""


class RosterColumnsError(PipelineError):
    """A roster lacks one or more columns of its standard template."""


class RosterEncodingError(PipelineError):
    """A CSV roster is in neither UTF-8 nor GBK/GB18030."""


class RosterUnreadableError(PipelineError):
    """A roster file cannot be parsed (damaged workbook, broken CSV, duplicate files)."""


class EngineUnavailableError(PipelineError):
    """The requested engine (e.g. Spark) is not installed or cannot start."""
