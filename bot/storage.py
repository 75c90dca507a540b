"""aiogram's FSM storage in PostgreSQL: with several replicas in webhook mode, the owner's
reply to "✏️ Qu'est-ce que je dois changer ?" may reach another replica than the tap did."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import conversations
from store.db import autocommit


class PostgresStorage(BaseStorage):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self.keys = DefaultKeyBuilder(with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with autocommit(self.sessionmaker) as session:
            await conversations.put(session=session, key=self.keys.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with autocommit(self.sessionmaker) as session:
            state, _ = await conversations.get(session=session, key=self.keys.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with autocommit(self.sessionmaker) as session:
            await conversations.put(session=session, key=self.keys.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with autocommit(self.sessionmaker) as session:
            _, data = await conversations.get(session=session, key=self.keys.build(key))
        return data

    async def close(self) -> None:
        return None
