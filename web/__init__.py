"""The HTTP adapter beside handlers/: one Starlette app (webhook, health, the dashboard)."""
