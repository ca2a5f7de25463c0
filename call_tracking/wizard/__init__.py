from . import call_sheet_reopen
from . import star_tier_feed_import
from . import call_screening
