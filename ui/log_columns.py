"""What the Monitoring page shows of each log: its columns (with the locale key of each heading,
in order) and the statuses its filter offers. The rows come from ``pms.reporting.logs``."""

from __future__ import annotations

__all__ = ["COLUMNS", "STATUSES"]

COLUMNS = {
    "api": {
        "created_at": "log.time",
        "endpoint": "log.endpoint",
        "method": "log.method",
        "http_status": "log.http_status",
        "duration_ms": "log.duration_ms",
        "attempt": "log.attempt",
        "request_id": "log.request_id",
        "response_summary": "log.summary",
        "error": "log.error",
    },
    "sync": {
        "started_at": "log.time",
        "sync_type": "log.entities",
        "direction": "log.direction",
        "mode": "log.mode",
        "trigger": "log.trigger",
        "status": "log.status",
        "processed": "log.processed",
        "successful": "log.successful",
        "failed": "log.failed",
        "api_calls": "log.api_calls",
        "duration_ms": "log.duration_ms",
        "error_details": "log.error",
    },
    "webhooks": {
        "received_at": "log.time",
        "event": "log.event",
        "entity_id": "log.entity",
        "status": "log.status",
        "attempts": "log.attempts",
        "processed_at": "log.processed_at",
        "error": "log.error",
    },
    "outbound": {
        "created_at": "log.time",
        "operation": "log.operation",
        "cloudbed_id": "log.entity",
        "decision": "log.decision",
        "reason": "log.reason",
        "http_status": "log.http_status",
        "success": "log.success",
        "error": "log.error",
    },
}
STATUSES = {
    "sync": ("running", "completed", "partial", "failed"),
    "webhooks": ("pending", "processing", "processed", "failed", "ignored"),
    "outbound": ("sent", "refused"),
}
