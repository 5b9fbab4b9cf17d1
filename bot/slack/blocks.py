"""Block Kit and mrkdwn for the Slack front-end: the progress line, the plan, the result card
with its buttons. Pure functions of the engine's values; nothing here calls Slack."""

from __future__ import annotations

import re
from typing import Any

from deck import Aspect, Deck, slides_count

from ..engine import (
    ACTIONS,
    Action,
    JobUpdate,
    VideoReady,
    rendering_actions,
    result_actions,
    script_actions,
    script_lines,
)

# The engine's actions as Slack action_ids; a button's value is "<conversation id>|<argument>".
# Both frame shapes share one id (a card shows one of them): the argument says which; Approve's
# argument is the version of its card.
REVISE = "deckcast_revise"
NEW_PICTURES = "deckcast_new_pictures"
UNDO = "deckcast_undo"
REDO = "deckcast_redo"
ASPECT = "deckcast_aspect"
EXPORT = "deckcast_export"
CANCEL = "deckcast_cancel"
RENDER = "deckcast_render"
CHANGE = "deckcast_change"
START = "deckcast_start"
APPROVE = "deckcast_approve"
STILL = "deckcast_still"
MOTION = "deckcast_motion"
ACTION_ID: dict[Action, str] = {
    Action.REVISE: REVISE,
    Action.PICTURES: NEW_PICTURES,
    Action.UNDO: UNDO,
    Action.REDO: REDO,
    Action.VERTICAL: ASPECT,
    Action.WIDE: ASPECT,
    Action.EXPORT: EXPORT,
    Action.CANCEL: CANCEL,
    Action.RENDER: RENDER,
    Action.CHANGE: CHANGE,
    Action.START: START,
    Action.APPROVE: APPROVE,
    Action.STILL: STILL,
    Action.MOTION: MOTION,
}
ACTION_IDS = tuple(dict.fromkeys(ACTION_ID.values()))
ASPECT_OF = {Action.VERTICAL: Aspect.TALL.value, Action.WIDE: Aspect.WIDE.value}

# The revision form (a modal opened by the Revise button)
REVISE_VIEW = "deckcast_revise_view"
INSTRUCTION_BLOCK = "instruction"
INSTRUCTION_INPUT = "instruction_text"
MAX_INSTRUCTION = 1000

SECTION_LIMIT = 3000  # characters of text in one section block
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")
BAR_CELLS = 12

Block = dict[str, Any]


def escape(text: str) -> str:
    """Text shown as is: Slack needs &, < and > escaped (or they become links/mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button_value(conversation_id: str, argument: str = "") -> str:
    return f"{conversation_id}|{argument}"


def parse_button_value(value: str) -> tuple[str, str]:
    conversation_id, _, argument = value.partition("|")
    return conversation_id, argument


def action_of(action_id: str, argument: str) -> Action | None:
    """The engine's action a button stands for (None for ids that are not ours)."""
    if action_id == ASPECT:
        return Action.VERTICAL if argument == Aspect.TALL.value else Action.WIDE
    return next((a for a, found in ACTION_ID.items() if found == action_id), None)


def buttons(actions: list[Action], conversation_id: str, version: int | None = None) -> list[Block]:
    """Buttons drawn from the engine's action table (Approve carries ``version``)."""

    def argument(action: Action) -> str:
        if action is Action.APPROVE and version is not None:
            return str(version)
        return ASPECT_OF.get(action, "")

    return [
        _button(
            ACTIONS[action].label,
            ACTION_ID[action],
            button_value(conversation_id, argument(action)),
            style=ACTIONS[action].style,
        )
        for action in actions
    ]


def rendering_buttons(conversation_id: str) -> list[Block]:
    return buttons(rendering_actions(), conversation_id)


def revise_view(conversation_id: str) -> dict[str, Any]:
    """The modal the Revise button opens; its submission is a revision of the deck."""
    return {
        "type": "modal",
        "callback_id": REVISE_VIEW,
        "private_metadata": conversation_id,
        "title": {"type": "plain_text", "text": "Revise the video"},
        "submit": {"type": "plain_text", "text": "Revise"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": INSTRUCTION_BLOCK,
                "label": {"type": "plain_text", "text": "What should change?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": INSTRUCTION_INPUT,
                    "multiline": True,
                    "max_length": MAX_INSTRUCTION,
                    "placeholder": {
                        "type": "plain_text",
                        "text": '"simpler words on slide 3", "add a slide about costs"',
                    },
                },
            }
        ],
    }


def instruction_of(view: dict[str, Any]) -> str:
    """The text typed into the revision form."""
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(INSTRUCTION_BLOCK) or {}).get(INSTRUCTION_INPUT) or {}
    return str(field.get("value") or "").strip()


def started_text(user: str, request: str) -> str:
    about = f": “{escape(clip(request, 200))}”" if request else " from an outline"
    return f"<@{user}> asked for a video{about}\n:hourglass_flowing_sand: Planning the slides…"


def progress_text(update: JobUpdate) -> str:
    if update.state == "queued":
        where = f" (number {update.queue_position} in the queue)" if update.queue_position else ""
        return f":hourglass_flowing_sand: Version {update.version} is waiting to render{where}."
    event = update.event
    if event is None:
        return f":hourglass_flowing_sand: Rendering version {update.version}…"
    filled = round(event.fraction * BAR_CELLS)
    bar = "█" * filled + "░" * (BAR_CELLS - filled)
    return (
        f":hourglass_flowing_sand: Rendering version {update.version}: {event.stage.value} · "
        f"{event.slides_done}/{event.slides} slides done\n`{bar}` {round(event.fraction * 100)}%"
    )


def ready_text(ready: VideoReady) -> str:
    note = " (finished after a restart)" if ready.resumed else ""
    return (
        f":white_check_mark: Version {ready.version} is ready{note}: "
        f"{ready.duration:.0f} s, {slides_count(ready.slides)} — the video is in the thread."
    )


def plan_blocks(deck: Deck, version: int) -> tuple[str, list[Block]]:
    lines = [f"{i}. {escape(slide.title)}" for i, slide in enumerate(deck.slides, 1)]
    head = f"*{escape(deck.title)}* — {slides_count(len(deck.slides))} (version {version})"
    text = clip(head + "\n" + "\n".join(lines), SECTION_LIMIT)
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def result_blocks(ready: VideoReady) -> tuple[str, list[Block]]:
    """The card under the video: what it is, and the buttons that change it."""
    deck = ready.deck
    cached = f", {ready.slides_from_cache} reused" if ready.slides_from_cache else ""
    mb = ready.size_bytes / 1_000_000
    text = (
        f"*{escape(deck.title)}* — version {ready.version} · {ready.duration:.1f} s · "
        f"{slides_count(ready.slides)}{cached} · {mb:.1f} MB"
    )
    for warning in ready.warnings[:3]:
        text += f"\n:information_source: {escape(clip(warning, 300))}"
    card = buttons(
        result_actions(deck.aspect, ready.version, review=ready.review, motion=deck.motion),
        ready.conversation_id,
        ready.version,
    )
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}},
        {"type": "actions", "block_id": "deckcast-actions", "elements": card},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Reply in this thread to change it: “simpler”, “add a slide about …”, "
                    "“swap slides 2 and 3”, “undo”, “show me the script”.",
                }
            ],
        },
    ]
    return text, blocks


def script_review_blocks(conversation_id: str, deck: Deck, version: int) -> tuple[str, list[Block]]:
    """A script waiting for review: each slide's title, bullets and a line of narration, with
    Render and Change."""
    head = (
        f"*{escape(deck.title)}* — version {version}: the script, for review before any "
        "picture is made"
    )
    body = escape("\n".join(script_lines(deck))).replace("```", "ʼʼʼ")
    room = SECTION_LIMIT - len(head) - 12
    if len(body) > room:
        body = body[: room - 40].rsplit("\n", 1)[0] + "\n… (say “show me the script” for all)"
    text = f"{head}\n```\n{body}\n```"
    return text, [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {
            "type": "actions",
            "block_id": "deckcast-review",
            "elements": buttons(script_actions(), conversation_id),
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "*Render* makes the pictures and the video; *Change* (or a reply "
                    "here) revises the script first, at text cost only.",
                }
            ],
        },
    ]


def approved_blocks(
    text: str, card: list[Block], approvers: list[str] | tuple[str, ...]
) -> list[Block]:
    """A version's card, marked approved (an earlier mark replaced)."""
    mark = {
        "type": "context",
        "block_id": "deckcast-approved",
        "elements": [
            {
                "type": "mrkdwn",
                "text": ":white_check_mark: Approved by "
                + ", ".join(f"<@{user}>" for user in approvers),
            }
        ],
    }
    return [block for block in card if block.get("block_id") != "deckcast-approved"] + [mark]


def with_mentions(text: str) -> str:
    """Engine text shown as is, but with its ``<@user>`` mentions kept as mentions."""
    return _ESCAPED_MENTION.sub(r"<@\1>", escape(text))


def report_text(text: str) -> str:
    """A report (history, a version, a comparison) as one message, cut to fit."""
    return clip(with_mentions(text), SECTION_LIMIT)


def script_text(markdown: str, version: int) -> str | None:
    """The script as a code block, or None when it is too long for a message."""
    body = escape(markdown).replace("```", "ʼʼʼ")
    text = f"The script of version {version}:\n```\n{body}\n```"
    return text if len(text) <= SECTION_LIMIT else None


def _button(label: str, action_id: str, value: str, *, style: str = "secondary") -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style in ("primary", "danger"):  # Slack's default look is the secondary one
        button["style"] = style
    return button
