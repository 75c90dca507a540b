"""Voice notes whose transcription failed: kept (file id) so the owner can retry. Never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import VoiceFailure


async def record_failed_voice(
    *, session: AsyncSession, file_id: str, error: str, chat_id: int | None, now: datetime
) -> uuid.UUID:
    stmt = (
        insert(VoiceFailure)
        .values(telegram_file_id=file_id, telegram_chat_id=chat_id, error=error, created_at=now)
        .returning(VoiceFailure.id)
    )
    return (await session.execute(stmt)).scalar_one()


async def failed_voice_file_id(*, session: AsyncSession, record_id: uuid.UUID) -> str | None:
    stmt = select(VoiceFailure.telegram_file_id).where(VoiceFailure.id == record_id)
    return (await session.execute(stmt)).scalar_one_or_none()
