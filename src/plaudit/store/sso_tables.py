"""Single sign-on codes: each signs one recipient in once, before it expires."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plaudit.store.tables import Credential, IdType, Row, org_fk


class SsoCode(Row):
    __tablename__ = "sso_codes"

    organization_id: Mapped[int] = org_fk()
    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(
        String(64), unique=True, doc="HMAC-SHA256 of the code under the server's secret."
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    wallet_view: Mapped[bool] = mapped_column(Boolean, default=False)
    embed: Mapped[bool] = mapped_column(Boolean, default=False)
    redirect_to: Mapped[str | None] = mapped_column(String(2048))

    credential: Mapped[Credential] = relationship()
