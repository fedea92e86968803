"""Access-log lines without secrets: uvicorn logs each request path, and ours carry some.

The webhook path holds the receiver's token, and the OAuth callback's query holds the
authorisation code and state; a log line is not the place for either.
"""

from __future__ import annotations

import logging
import re

__all__ = ["install_log_redaction"]


class _AccessLogRedaction(logging.Filter):
    """Masks the webhook token and OAuth code/state in access-log lines (uvicorn logs the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from pms.webhooks.subscriptions import redact_endpoint

        if isinstance(record.args, tuple):
            record.args = tuple(
                _mask_query(redact_endpoint(a)) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _mask_query(redact_endpoint(record.msg))
        return True


def _mask_query(text: str) -> str:
    return re.sub(r"(?i)\b(code|state)=[^&\s\"]+", r"\1=••••", text)


def install_log_redaction() -> None:
    """Attach the redaction filter to uvicorn's access logger once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _AccessLogRedaction) for f in logger.filters):
        logger.addFilter(_AccessLogRedaction())
