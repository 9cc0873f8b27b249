"""deals.dismissed_at, merged_into, investors_key and the dashboard's indexes (deals, conflict events)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 05:30:00
"""
from alembic import op
import sqlalchemy as sa
import storage.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FILTERED = ['deal_type', 'status', 'ai_related', 'round', 'company_key', 'investors_key']
# first_seen too (the chart reads it) where it does not lead
WEEK = 'ix_deals_by_week'
# Covering indexes for the dashboard: each holds every column a filter reads (storage/models.py says why).
INDEXES = {
    'ix_deals_by_date': ['last_seen', 'amount_usd'],
    'ix_deals_by_amount': ['amount_usd', 'last_seen'],
    'ix_deals_by_company': ['company', 'last_seen', 'amount_usd'],
    'ix_deals_by_week': ['first_seen', 'last_seen', 'amount_usd'],
}


def upgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismissed_at', storage.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('investors_key', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_deals_merged_into_deals', 'deals', ['merged_into'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        for name, lead in INDEXES.items():
            tail = FILTERED if name == WEEK else [*FILTERED, 'first_seen']
            batch_op.create_index(name, ['merged_into', 'dismissed_at', *lead, *tail], unique=False)
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.create_index('ix_alert_events_event_created', ['event', 'created_at'], unique=False)
    _fill_investors_key()


def _fill_investors_key() -> None:
    """Existing deals get the investor filter's column from their stored state."""
    from crawler.events import DealState
    from storage.records import investors_key

    bind = op.get_bind()
    deals = sa.table('deals', sa.column('id', sa.Integer), sa.column('state', storage.models.JSONType),
                     sa.column('investors_key', sa.Text))
    rows = bind.execute(sa.select(deals.c.id, deals.c.state)).all()
    for deal_id, state in rows:
        try:
            names = DealState.from_dict(state).record().get('investors') or []
        except (KeyError, ValueError, TypeError):
            names = []
        bind.execute(sa.update(deals).where(deals.c.id == deal_id).values(investors_key=investors_key(names)))


def downgrade() -> None:
    with op.batch_alter_table('alert_events', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_events_event_created')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        for name in reversed(INDEXES):
            batch_op.drop_index(name)
        batch_op.drop_constraint('fk_deals_merged_into_deals', type_='foreignkey')
        batch_op.drop_column('investors_key')
        batch_op.drop_column('merged_into')
        batch_op.drop_column('dismissed_at')
