{
    "name": "Call Tracking",
    "summary": "Phone marketing call log, 60-second effective calls, a daily quota of "
    "effective customers and the day's tracking sheet signed by the accounting "
    "supervisor and the branch president",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://example.com/retail-bank/call_tracking",
    "author": "Retail Bank Customer Management",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["star_tiering"],
    "external_dependencies": {"python": ["holidays", "xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/call_tracking_rules.xml",
        "security/call_tracking_report_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/call_script_data.xml",
        "views/call_log_views.xml",
        "views/call_sheet_views.xml",
        "views/bank_branch_views.xml",
        "views/res_partner_views.xml",
        "views/call_script_views.xml",
        "wizard/call_sheet_reopen_views.xml",
        "report/call_meeting_report_views.xml",
        "report/call_leaderboard_report_views.xml",
        "report/call_sheet_xlsx_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "call_tracking/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "application": True,
}
