"""questions in the audit trail: "answered" as a status of ai_actions

Revision ID: 0012_questions
Revises: 0011_job_url_hash
Create Date: 2026-12-01 10:00:00.000000

A question ("qu'est-ce que j'ai demain ?") runs read-only queries at once, with nothing to
confirm; each query is logged in `ai_actions` with status `answered` (agent/questions.py).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_questions"
down_revision: str | None = "0011_job_url_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "ordinarthur_os"

_BEFORE = "'proposed','confirmed','cancelled','failed','undone','superseded'"


def _status_check(values: str) -> None:
    op.drop_constraint(op.f("ck_ai_actions_status"), "ai_actions", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f("ck_ai_actions_status"), "ai_actions", f"status in ({values})", schema=SCHEMA
    )


def upgrade() -> None:
    _status_check(f"{_BEFORE},'answered'")


def downgrade() -> None:
    # Questions changed nothing: their rows go rather than pretend to be actions.
    op.execute(f"DELETE FROM {SCHEMA}.ai_actions WHERE status = 'answered'")
    _status_check(_BEFORE)
