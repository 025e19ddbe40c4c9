"""The first register: series and their entries.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organ", sa.String(200), nullable=False),
        sa.Column("symbol", sa.String(30), nullable=False),
        sa.Column("parent_organ", sa.String(200), nullable=True),
        sa.Column("organ_code", sa.String(13), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=False),
        sa.Column("future_days", sa.Integer(), nullable=False),
        sa.UniqueConstraint("organ", "symbol", name="uq_series_organ_symbol"),
    )
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("series_id", sa.Integer(), sa.ForeignKey("series.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("type_name", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("signer", sa.String(160), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("archive_units", sa.String(200), nullable=False),
        sa.Column("copies", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("case_path", sa.Text(), nullable=False),
        sa.Column("case_digest", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("series_id", "year", "number", name="uq_entry_number"),
    )


def downgrade() -> None:
    op.drop_table("entry")
    op.drop_table("series")
