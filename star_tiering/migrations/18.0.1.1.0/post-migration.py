"""18.0.1.1.0: the nightly run's columns lose their indexes and the tier
history its create/write stamps, stored currency and stored branch (now the
customer's current branch; see the models). Odoo
does not drop an index or a column a field no longer declares, so this does,
or every night would still pay for them."""
import logging

_logger = logging.getLogger(__name__)

INDEXES = (
    "res_partner__star_tier_index",
    "res_partner__tier_owner_id_index",
    "res_partner__tier_secondary_owner_id_index",
    "res_partner__next_contact_date_index",
)
HISTORY_COLUMNS = ("branch_id", "currency_id", "create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    if not version:
        return
    # who asked for an on-demand re-tier was the row's creator
    cr.execute(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'star_tier_history' AND column_name = 'create_uid'"""
    )
    if cr.fetchone():
        cr.execute("UPDATE star_tier_history SET user_id = create_uid WHERE reason = 'manual' AND user_id IS NULL")
    for index in INDEXES:
        cr.execute(f'DROP INDEX IF EXISTS "{index}"')  # noqa: S608 - fixed names
    cr.execute(
        "ALTER TABLE star_tier_history "
        + ", ".join(f'DROP COLUMN IF EXISTS "{column}"' for column in HISTORY_COLUMNS)
    )
    _logger.info("star_tiering: dropped %s unused indexes and the history's stamp columns", len(INDEXES))
