"""User and model text made safe for Telegram's HTML parse mode."""

from __future__ import annotations

import html


def esc(text: str | None) -> str:
    """User and model text is data: escaped everywhere it meets HTML parse mode."""
    return html.escape(text or "", quote=False)
