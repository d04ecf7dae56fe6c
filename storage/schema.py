"""Every table, registered on SQLModel's metadata (for migrations and a full schema)."""

import storage.tables  # noqa: F401  (importing the package registers every table)
