{
    "name": "Audit Penalty",
    "summary": "Monthly shortfall fines on the call-tracking sheets, a seeded random audited day per "
    "sub-branch with falsification fines, the penalty ledger with contests, the monthly bulletin "
    "and the tiering audit",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://example.com/retail-bank/audit_penalty",
    "author": "Retail Bank Customer Management",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["call_tracking"],
    "data": [
        "security/res_groups.xml",
        "security/ir.model.access.csv",
        "security/audit_penalty_rules.xml",
        "data/res_currency_data.xml",
        "views/audit_penalty_views.xml",
        "views/audit_sample_views.xml",
        "views/audit_seed_commitment_views.xml",
        "views/res_config_settings_views.xml",
        "views/audit_bulletin_views.xml",
        "views/audit_tiering_run_views.xml",
        "wizard/audit_shortfall_wizard_views.xml",
        "wizard/audit_sampling_wizard_views.xml",
        "wizard/audit_penalty_contest_views.xml",
        "wizard/audit_seed_commitment_withdraw_views.xml",
        "wizard/audit_tiering_wizard_views.xml",
        "views/menus.xml",
    ],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "assets": {
        "web.assets_tests": [
            "audit_penalty/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "application": True,
}
