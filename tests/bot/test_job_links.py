"""/jobs: a scraped apply URL becomes a link only when it is a plain http(s) URL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import jobs
from store.clock import FrozenClock
from tests.bot.conftest import Conversation
from tests.fakes.telegram import message_update

APPLY_URLS = {
    "Plain": "https://jobs.example/apply?id=1&src=bot",
    "Quote": 'https://jobs.example/a"><b>x</b>',
    "Script": "javascript:alert(document.cookie)",
    "Data": "data:text/html,<script>alert(1)</script>",
    "Relative": "/apply/1",
    "NoHost": "https:///apply",
    "Spaces": "https://jobs.example/a b",
    "Ftp": "ftp://jobs.example/offer",
}


async def newest_card(chat: Conversation) -> str:
    """/jobs, and the card of the newest offer (right after the header)."""
    await chat.feed(message_update(chat.update_id(), text="/jobs"))
    texts = [str(c["text"]) for c in chat.sent()]
    header = max(i for i, text in enumerate(texts) if "💼" in text and "dernière" in text)
    return texts[header + 1]


async def test_apply_links_are_http_only_and_escaped(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    cards = {}
    for minutes, (title, url) in enumerate(APPLY_URLS.items()):
        offer = {"source": "t", "source_url": f"https://jobs.example/{title}", "title": title}
        async with sessionmaker.begin() as s:
            now = clock.now() + timedelta(minutes=minutes)
            await jobs.ingest_jobs(session=s, jobs=[offer | {"apply_url": url}], now=now)
        cards[title] = await newest_card(chat)
        assert title in cards[title]
    plain = '<a href="https://jobs.example/apply?id=1&amp;src=bot">Postuler</a>'
    assert plain in cards.pop("Plain")
    quoted = '<a href="https://jobs.example/a&quot;&gt;&lt;b&gt;x&lt;/b&gt;">Postuler</a>'
    assert quoted in cards.pop("Quote")
    for title, card in cards.items():
        assert "<a " not in card and "Postuler" not in card, title


async def test_the_header_counts_one_offer_or_several(
    chat: Conversation, sessionmaker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    for n in (1, 2):
        offer = {"source": "t", "source_url": f"https://jobs.example/{n}", "title": f"Offre {n}"}
        async with sessionmaker.begin() as s:
            await jobs.ingest_jobs(session=s, jobs=[offer], now=clock.now())
        await chat.feed(message_update(chat.update_id(), text="/jobs"))
    headers = [str(c["text"]) for c in chat.sent() if str(c["text"]).startswith("<b>💼")]
    assert headers == ["<b>💼 La dernière offre</b>", "<b>💼 Les 2 dernières offres</b>"]
