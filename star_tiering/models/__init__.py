from . import res_users
from . import resource_calendar
from . import bank_branch
from . import star_tier_policy_line
from . import star_tier_history
from . import res_partner
from . import res_partner_tiering
from . import mail_activity
