"""18.0.1.1.0: the nightly run's columns lose their indexes and the tier
history its create/write stamps, stored currency and stored branch (now the
customer's current branch; see the models). Odoo does not drop an index or a
column a field no longer declares, so this does, or every night would still
pay for them."""
import logging

from odoo.tools import sql

_logger = logging.getLogger(__name__)

UNINDEXED = ("star_tier", "tier_owner_id", "tier_secondary_owner_id", "next_contact_date")
HISTORY_COLUMNS = ("branch_id", "currency_id", "create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    if not version:
        return
    # who asked for an on-demand re-tier was the row's creator
    if sql.column_exists(cr, "star_tier_history", "create_uid"):
        cr.execute("UPDATE star_tier_history SET user_id = create_uid WHERE reason = 'manual' AND user_id IS NULL")
    for column in UNINDEXED:
        sql.drop_index(cr, sql.make_index_name("res_partner", column), "res_partner")
    cr.execute(
        "ALTER TABLE star_tier_history "
        + ", ".join(f'DROP COLUMN IF EXISTS "{column}"' for column in HISTORY_COLUMNS)
    )
    _logger.info("star_tiering: dropped %s unused indexes and the history's stamp columns", len(UNINDEXED))
