"""Voice notes whose transcription failed: kept (file id) so the owner can retry. Never commit.

They live in `ai_actions` as `failed` rows with no function, so the audit trail shows them too.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import AiAction


async def record_failed_voice(
    *, session: AsyncSession, file_id: str, error: str, chat_id: int | None
) -> uuid.UUID:
    stmt = (
        insert(AiAction)
        .values(
            proposal_id=uuid.uuid4(),
            status="failed",
            source="telegram",
            function_args={"voice_file_id": file_id},
            error=f"transcription : {error}",
            telegram_chat_id=chat_id,
        )
        .returning(AiAction.id)
    )
    return (await session.execute(stmt)).scalar_one()


async def failed_voice_file_id(*, session: AsyncSession, record_id: uuid.UUID) -> str | None:
    stmt = select(AiAction.function_args).where(
        AiAction.id == record_id, AiAction.function_name.is_(None)
    )
    args = (await session.execute(stmt)).scalar_one_or_none()
    file_id = (args or {}).get("voice_file_id")
    return file_id if isinstance(file_id, str) else None
