"""Password hashing: Argon2id with OWASP's recommended parameters (ADR 0013).

Django's own Argon2 defaults (t=2, 100 MiB, 8 lanes) and PBKDF2 with 1,000,000 iterations each
take most of a second on this deployment's two-core servers; these parameters keep a login
within 300 ms while staying memory-hard. Stored PBKDF2 hashes stay valid and are rehashed with
these parameters at the user's next successful login (Django's `check_password` does so because
this hasher comes first in PASSWORD_HASHERS; `must_update` also catches changed parameters).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class LianxinArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, t=2, m=19 MiB, p=1 (OWASP Password Storage Cheat Sheet, first choice)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
