"""Every table, registered on SQLModel's metadata (for migrations and a full schema)."""

from storage import assessment_models, models, order_models, pace_models, rating_models

MODULES = (models, order_models, rating_models, assessment_models, pace_models)
