"""The tables (SPEC §3), one module per domain; importing this package registers them all.

Telegram ids are BIGINT; `*_at` times are aware UTC."""

from storage.tables.assessment import (
    DomainWeights,
    Grade,
    Observation,
    Period,
    PeriodProject,
    PeriodReport,
    ScoreSnapshot,
    StageEntry,
    Star,
    Trail,
)
from storage.tables.base import tg_id, utcnow
from storage.tables.orders import OrderCounter, Rectification, RectificationEvent
from storage.tables.org import (
    Chat,
    Domain,
    ExaminerProject,
    Leave,
    Membership,
    Milestone,
    Person,
    Project,
)
from storage.tables.ratings import (
    Rating,
    RatingContact,
    RatingFlood,
    RatingFlow,
    RatingLink,
    RatingRelease,
)
from storage.tables.reporting import DailyReport, Recap, ReportItem
from storage.tables.runtime import Delivery, HintLog, Inbox, Lease, Pace, Pending

__all__ = [
    "Chat",
    "DailyReport",
    "Delivery",
    "Domain",
    "DomainWeights",
    "ExaminerProject",
    "Grade",
    "HintLog",
    "Inbox",
    "Lease",
    "Leave",
    "Membership",
    "Milestone",
    "Observation",
    "OrderCounter",
    "Pace",
    "Pending",
    "Period",
    "PeriodProject",
    "PeriodReport",
    "Person",
    "Project",
    "Rating",
    "RatingContact",
    "RatingFlood",
    "RatingFlow",
    "RatingLink",
    "RatingRelease",
    "Recap",
    "Rectification",
    "RectificationEvent",
    "ReportItem",
    "ScoreSnapshot",
    "StageEntry",
    "Star",
    "Trail",
    "tg_id",
    "utcnow",
]
