"""Block Kit and mrkdwn for the Slack front-end: the progress line, the plan, the result card
with its buttons. Pure functions of the engine's values; nothing here calls Slack."""

from __future__ import annotations

from typing import Any

from deck import Aspect, Deck

from ..replies import JobUpdate, VideoReady

# action_ids of the result card's buttons; the value is "<conversation id>|<argument>"
NEW_PICTURES = "deckcast_new_pictures"
UNDO = "deckcast_undo"
ASPECT = "deckcast_aspect"
EXPORT = "deckcast_export"
ACTION_IDS = (NEW_PICTURES, UNDO, ASPECT, EXPORT)

SECTION_LIMIT = 3000  # characters of text in one section block
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
        f"{ready.duration:.0f} s, {ready.slides} slides — the video is in the thread."
    )


def plan_blocks(deck: Deck, version: int) -> tuple[str, list[Block]]:
    lines = [f"{i}. {escape(slide.title)}" for i, slide in enumerate(deck.slides, 1)]
    head = f"*{escape(deck.title)}* — {len(deck.slides)} slides (version {version})"
    text = clip(head + "\n" + "\n".join(lines), SECTION_LIMIT)
    return text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def result_blocks(ready: VideoReady) -> tuple[str, list[Block]]:
    """The card under the video: what it is, and the buttons that change it."""
    deck = ready.deck
    cached = f", {ready.slides_from_cache} reused" if ready.slides_from_cache else ""
    mb = ready.size_bytes / 1_000_000
    text = (
        f"*{escape(deck.title)}* — version {ready.version} · {ready.duration:.1f} s · "
        f"{ready.slides} slides{cached} · {mb:.1f} MB"
    )
    for warning in ready.warnings[:3]:
        text += f"\n:information_source: {escape(clip(warning, 300))}"
    other = Aspect.WIDE if deck.aspect is Aspect.TALL else Aspect.TALL
    label = "Vertical 9:16" if other is Aspect.TALL else "Widescreen 16:9"
    buttons: list[Block] = [
        _button("New pictures", NEW_PICTURES, button_value(ready.conversation_id)),
        _button(label, ASPECT, button_value(ready.conversation_id, other.value)),
        _button("Export .pptx + .pdf", EXPORT, button_value(ready.conversation_id)),
    ]
    if ready.version > 1:
        buttons.insert(1, _button("Undo", UNDO, button_value(ready.conversation_id)))
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}},
        {"type": "actions", "block_id": "deckcast-actions", "elements": buttons},
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


def script_text(markdown: str, version: int) -> str | None:
    """The script as a code block, or None when it is too long for a message."""
    body = escape(markdown).replace("```", "ʼʼʼ")
    text = f"The script of version {version}:\n```\n{body}\n```"
    return text if len(text) <= SECTION_LIMIT else None


def _button(label: str, action_id: str, value: str) -> Block:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
