"""The database models, one module per feature; imported from here (tortoise registers
`bot.storage.models`, and the migrations in bot/storage/migrations name models, not modules)."""

from bot.storage.models.console import AuditEntry, ConsoleLink, ConsoleSession
from bot.storage.models.core import (
    Conversation,
    Feedback,
    InboundEvent,
    Job,
    Member,
    Unanswered,
)
from bot.storage.models.delivery import Broadcast, DeliveryBatch
from bot.storage.models.events import Event, EventRegistration, IVotingPeriod, Subscription
from bot.storage.models.proposals import DistrictChat, Proposal, ProposalEvent, StaffRole
from bot.storage.models.tickets import (
    FaqSuggestion,
    Ticket,
    TicketMessage,
    TicketPost,
    VolunteerGroup,
    VolunteerRole,
)

__all__ = [
    "AuditEntry",
    "Broadcast",
    "ConsoleLink",
    "ConsoleSession",
    "Conversation",
    "DeliveryBatch",
    "DistrictChat",
    "Event",
    "EventRegistration",
    "FaqSuggestion",
    "Feedback",
    "IVotingPeriod",
    "InboundEvent",
    "Job",
    "Member",
    "Proposal",
    "ProposalEvent",
    "StaffRole",
    "Subscription",
    "Ticket",
    "TicketMessage",
    "TicketPost",
    "Unanswered",
    "VolunteerGroup",
    "VolunteerRole",
]
