"""Access-log lines never carry the webhook token or the OAuth code and state."""

from __future__ import annotations

import logging

from pms.server.access_log import install_log_redaction


def test_access_log_records_are_masked(caplog):
    install_log_redaction()
    install_log_redaction()  # idempotent
    logger = logging.getLogger("uvicorn.access")
    assert sum(type(f).__name__ == "_AccessLogRedaction" for f in logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.propagate, before = True, logger.propagate
        try:
            logger.info(
                '%s - "%s %s HTTP/%s" %d',
                "127.0.0.1:5000",
                "POST",
                "/webhooks/cloudbeds/s3cr3tT0kenValue_abc",
                "1.1",
                200,
            )
            logger.info(
                '%s - "%s %s HTTP/%s" %d',
                "127.0.0.1:5000",
                "GET",
                "/oauth/cloudbeds/callback?code=c0deValue&state=st4teValue",
                "1.1",
                303,
            )
        finally:
            logger.propagate = before
    text = caplog.text
    assert "s3cr3tT0kenValue_abc" not in text and "c0deValue" not in text and "st4teValue" not in text
    assert "/webhooks/cloudbeds/••••" in text and "code=••••" in text
