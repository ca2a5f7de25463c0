from . import call_report_view_mixin
from . import call_meeting_report
from . import call_leaderboard_report
from . import xlsx_report_abstract
from . import call_sheet_xlsx
