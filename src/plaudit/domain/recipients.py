"""Who a recipient is across credentials: their normalized email."""

from uuid import UUID, uuid5

# uuid5 namespace for recipients' user ids (fixed: changing it changes every user id; migration
# 0018 holds a copy).
USER_NAMESPACE = UUID("6d1f3c5e-2f7a-4c41-9a53-8a2f1b7e0c11")


def user_uuid(normalized_email: str) -> UUID:
    """Credly's `user.id` for a recipient. Plaudit has no accounts for earners: a person is their
    email address, so the same address always gets the same id, as a Credly user does."""
    return uuid5(USER_NAMESPACE, normalized_email)
