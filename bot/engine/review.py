"""Who may do what with a deck: its owner, the reviewers the owner chose (or everyone, when the
owner opened the thread), and admins, who keep their powers everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .actions import Who

# An admin's review mode for a whole guild / workspace (``/deck settings``): every new deck's
# script waits for review first, or none does.
REVIEW_SCRIPT = "script"
REVIEW_OFF = "off"


@dataclass(frozen=True)
class Access:
    owner: str
    reviewers: tuple[str, ...] = ()
    everyone: bool = False  # the owner opened the deck to everyone in the channel

    def may(self, who: Who, user: str, *, admin: bool) -> bool:
        """Whether ``user`` may do what ``who`` allows."""
        if who is Who.ANYONE or admin or user == self.owner:
            return True
        return who is Who.REVIEWER and (self.everyone or user in self.reviewers)

    def refusal(self, who: Who) -> str:
        """Why someone else may not, naming who may (a sentence for the chat)."""
        if who is Who.OWNER:
            return (
                "only the person who asked for this video can choose who reviews it; "
                "start your own with a new request"
            )
        if not self.reviewers:
            return (
                "only the person who asked for this video can change it; "
                "start your own with a new request"
            )
        return (
            "only the person who asked for this video and the reviewers they chose ("
            + ", ".join(f"<@{user}>" for user in self.reviewers)
            + ") can change it; start your own with a new request"
        )
