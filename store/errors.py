"""Domain errors raised by queries; the web and bot layers translate them."""

from __future__ import annotations


class StoreError(Exception):
    pass


class NotFoundError(StoreError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident
