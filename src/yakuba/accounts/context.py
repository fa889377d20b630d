from django.http import HttpRequest

from yakuba.accounts.roles import Role


def role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"yakuba_role": None}
    return {"yakuba_role": user.role, "yakuba_role_label": Role(user.role).label if user.role else ""}
