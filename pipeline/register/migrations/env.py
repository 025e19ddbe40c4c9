"""Alembic's entry point: migrations always run on a connection the register opened (see database.py)."""

from alembic import context

from pipeline.register.schema import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
