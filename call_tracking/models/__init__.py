from . import bank_branch
from . import call_sheet
from . import call_log
from . import res_partner
from . import resource_calendar
from . import call_script
