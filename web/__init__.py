"""HTTP, the second adapter beside handlers/: one Starlette app (webhook, health, dashboard)."""
