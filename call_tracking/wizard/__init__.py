from . import call_sheet_reopen
