from . import star_tier_feed_import
from . import star_tier_ledger_export
