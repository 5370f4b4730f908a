"""The signer handlers pass to issuance: None when signing at issuance is turned off
(`PLAUDIT_SIGN_AT_ISSUANCE=false`); credentials are then signed when first asked for."""

from typing import Annotated

from fastapi import Depends, Request

from plaudit.services.signing import Signer


def server_signer(request: Request) -> Signer:
    state = request.app.state
    return Signer(state.settings.public_base_url, state.server_secret)


async def get_issuance_signer(request: Request) -> Signer | None:
    return server_signer(request) if request.app.state.settings.sign_at_issuance else None


IssuanceSigner = Annotated[Signer | None, Depends(get_issuance_signer)]
