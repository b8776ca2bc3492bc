"""The planning pages: the board and the approver's queue (`board`), and the objective page's planning section
(`panel`)."""

from qibu.planning.views.board import board, queue
from qibu.planning.views.panel import (
    proposal_edit,
    proposal_respond,
    proposal_withdraw,
    proposals,
    take_up_add,
    take_up_remove,
)

__all__ = [
    "board",
    "proposal_edit",
    "proposal_respond",
    "proposal_withdraw",
    "proposals",
    "queue",
    "take_up_add",
    "take_up_remove",
]
