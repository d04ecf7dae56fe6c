"""Storage: tables, the engine and session scope, queries, migrations. Imports nothing of ours."""
