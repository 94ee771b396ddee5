"""Deployment parameters of the rules and the linkage (defaults from the contract)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class LinkParams:
    """How sure the probabilistic pass must be before it links a row to a resident.

    match_threshold: Splink match probability a row's best candidate must reach.
    ambiguity_margin: match weight (bits) by which the best candidate must beat the
      runner-up; closer candidates mean the row goes to review, never a guess.
    prior_match_probability: Splink's prior that two random records are the same person.
    """

    match_threshold: float = 0.95
    ambiguity_margin: float = 3.0
    prior_match_probability: float = 0.0001


@dataclass(frozen=True)
class RuleParams:
    """Parameters of the seven rules (contracts/monitoring.md, "Rules").

    large_medical_expense_yuan: out-of-pocket total in one year that raises the alert.
    medical_year: only that year's medical rows count; None means every year given.
    elderly_age: age (on the as-of date) from which a person living alone is flagged.
    assisted_household_types: civil-affairs types that make a 低保/特困 household.
    """

    large_medical_expense_yuan: Decimal = Decimal("30000")
    medical_year: int | None = None
    elderly_age: int = 80
    assisted_household_types: tuple[str, ...] = ("低保", "特困")
    link: LinkParams = field(default_factory=LinkParams)


def birthday_cutoff(as_of: dt.date, age: int) -> dt.date:
    """Latest birth date of a person who is `age` or older on `as_of` (29 Feb → 28 Feb)."""
    try:
        return as_of.replace(year=as_of.year - age)
    except ValueError:
        return as_of.replace(year=as_of.year - age, day=28)
