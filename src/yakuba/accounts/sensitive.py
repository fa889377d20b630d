"""Which roles are sensitive, derived from the masking policy (policy.toml), not listed by hand.

- `needs_second_person(role)`: granting it (creating a user with it, raising a user to it, moving
  such a user to another organisation) waits for a second person (yakuba.accounts.grants): any
  role that sees some category of personal data in clear, or that approves.
- `needs_factor(role)`: it signs in with a second factor (TOTP): a role that sees names in clear,
  or that approves (the administrator included).
"""

from __future__ import annotations

from yakuba.accounts.roles import APPROVER_ROLES
from yakuba.privacy.declarations import Category
from yakuba.privacy.masking import default_policy


def needs_second_person(role: str | None) -> bool:
    if not role:
        return False
    return bool(default_policy().visible.get(str(role))) or role in APPROVER_ROLES


def needs_factor(role: str | None) -> bool:
    if not role:
        return False
    return default_policy().can_see(str(role), Category.NAME) or role in APPROVER_ROLES
