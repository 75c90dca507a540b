"""GET /meta: the PWA reads the vocabulary's labels from the API, never from a copy."""

from __future__ import annotations

from pathlib import Path

from core import vocabulary as v
from tests.web.conftest import ApiClient, Client


async def test_meta_serves_every_word_with_its_label_in_order(api: ApiClient) -> None:
    meta = await api.get("/meta")
    assert [t["value"] for t in meta["step_statuses"]] == list(v.STEP_STATUSES)
    assert {t["value"]: t["label"] for t in meta["todo_statuses"]} == v.TODO_STATUS_LABELS
    assert meta["priorities"] == [
        {"value": 0, "label": "basse"},
        {"value": 1, "label": "normale"},
        {"value": 2, "label": "haute"},
        {"value": 3, "label": "urgente"},
    ]
    assert {t["value"] for t in meta["remote_types"]} == set(v.REMOTE_TYPES)
    doc = await api.get("/openapi.json")
    assert "/meta" in doc["paths"]


async def test_meta_needs_the_bearer(client: Client) -> None:
    assert (await client.get("/meta")).status == 401


def test_the_pwa_keeps_no_copy_of_the_labels() -> None:
    pwa = Path(__file__).parents[2] / "web" / "pwa"
    sources = "\n".join(p.read_text() for p in pwa.rglob("*.js"))
    for label in ("urgente", "Hybride", "Sur site", "Revue", "Archivée"):
        assert label not in sources, label


async def test_meta_offers_the_contexts_a_todo_is_done_in(api: ApiClient) -> None:
    meta = await api.get("/meta")
    assert meta["contexts"][:2] == [
        {"value": "@home", "label": "à la maison"},
        {"value": "@laptop", "label": "sur l'ordi"},
    ]
