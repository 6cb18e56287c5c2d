"""Report logic, callable from the API, the CLI, a worker task or a cron job alike."""

from datetime import UTC, datetime


def build_report(report_id: int) -> dict[str, object]:
    """Build one report. Replace with your own logic (queries, rendering, sending)."""
    return {
        "report_id": report_id,
        "status": "complete",
        "generated_at": datetime.now(UTC).isoformat(),
    }
