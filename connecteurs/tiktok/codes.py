"""TikTok API for Business return codes → the typed errors of :mod:`connecteurs.errors`.

TikTok answers HTTP 200 with ``{"code": N, "message": …}`` for most failures, so a
connector must read the body. The numbers are those of "Appendix - Return Codes"
(https://business-api.tiktok.com/portal/docs?id=1737172488964097), as TikTok's own SDK
names them (tiktok/tiktok-business-api-sdk, ``tiktok_business/tiktok_code.py``).
"""

from __future__ import annotations

import httpx

from connecteurs.errors import (
    AuthError,
    ConnecteurError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from connecteurs.http import DEFAULT_RETRY_AFTER, describe

OK = 0

#: REQUEST_TOO_FREQUENT, REQUEST_FREQUENCY_LIMITED, TOO_MANY_REQUESTS_BL. TikTok sends no
#: header saying when to come back: the default backoff applies.
RATE_LIMITED = frozenset({40100, 40132, 61000})

#: PERMISSION_ERROR, FORBIDDEN, INVALID_PARTNER, ACCESS_TOKEN_EXPIRE, EMPTY_ACCESS_TOKEN,
#: INVALID_ACCESS_TOKEN, INVALID_CORE_USER, APP_FORBIDDEN, ADVERTISER_LOGOUT (user
#: deauthorised), APP_METHOD_FORBIDDEN, DEVELOPER_NO_PERMISSION, SCOPE_NOT_AUTHORIZED.
AUTH = frozenset(
    {40001, 40003, 40101, 40102, 40104, 40105, 40106, 40113, 40114, 40117, 40125, 40130}
)

#: NOT_EXIST: the object (here the comment or video) does not exist any more.
NOT_FOUND = frozenset({40007})

#: SYS_ERROR, SYS_TIMEOUT, WRITE_CONFLICT, MAINTENANCE; 51xxx-53xxx are TikTok's internal
#: service, database and storage errors.
TRANSIENT = frozenset({40202, 50000, 50002, 60001})


def is_transient(code: int) -> bool:
    return code in TRANSIENT or 51000 <= code < 54000


def error_for_code(
    response: httpx.Response, code: int, message: str, *, redact: tuple[str, ...] = ()
) -> ConnecteurError:
    """The typed error a non-zero TikTok ``code`` means.

    Args:
        response: the answer, for ``METHOD /path → status`` (never the host or query).
        code: the body's ``code``.
        message: the body's ``message``; shortened, and any ``redact`` value removed in
            case TikTok ever echoes a credential back.
    """
    detail = clean(message, redact)
    text = f"{describe(response)}: TikTok code {code}" + (f" ({detail})" if detail else "")
    if code in RATE_LIMITED:
        return RateLimited(DEFAULT_RETRY_AFTER, text)
    if code in AUTH:
        return AuthError(text)
    if code in NOT_FOUND:
        return NotFound(text)
    if is_transient(code):
        return TransientError(text)
    # 40000 INVALID_PARAMS, 40002 PARAM_ERROR, 40006, 40011, 40051, ...: retrying the same
    # request cannot help.
    return InvalidRequest(text)


def clean(message: str, redact: tuple[str, ...]) -> str:
    """``message`` shortened, with every ``redact`` value replaced by ``***``."""
    for secret in redact:
        if secret:
            message = message.replace(secret, "***")
    return message.strip()[:200]
