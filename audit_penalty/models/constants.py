"""The numbers, states and roles of the bank's audit circular (DOMAIN.md §3),
in one place."""

# 每少打一个电话,罚款50元: 50 CNY per call missing below the daily quota.
SHORTFALL_UNIT_AMOUNT = 50.0
# 按照100元/户的标准处罚支行: 100 CNY per customer found falsified.
FALSIFICATION_UNIT_AMOUNT = 100.0
# The fines are in renminbi whatever the company's accounting currency.
CURRENCY_XMLID = "base.CNY"

PENALTY_KINDS = [
    ("shortfall", "Call Shortfall"),
    ("falsification", "Falsified Customers"),
]
PENALTY_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("notified", "Notified"),
]
# Once confirmed, a penalty is a ledger entry: nobody edits or deletes it.
FINAL_STATES = ("confirmed", "notified")
CONTEST_STATES = [
    ("none", "Not Contested"),
    ("contested", "Contested"),
    ("upheld", "Upheld"),
    ("cancelled", "Cancelled"),
]

SAMPLE_STATES = [
    ("draft", "Open"),
    ("confirmed", "Confirmed"),
]
SAMPLE_RESULTS = [
    ("verified", "Verified"),
    ("falsified", "Falsified"),
    ("unreachable", "Unreachable"),
]

# The tiering audit (客户细分审计): what a customer can be reported for.
# A customer never tiered is reported as such only (they have no tier to
# contradict and no owner yet); a tiered one may be reported twice.
TIERING_FINDING_KINDS = [
    ("tier_mismatch", "Tier Contradicts the Thresholds"),
    ("no_owner", "Without an Owner"),
    ("never_tiered", "Never Tiered"),
]

# The monthly bulletin (通报): prepared as a draft, published once.
BULLETIN_STATES = [
    ("draft", "Draft"),
    ("published", "Published"),
]

# The security group of the department that runs each check, per kind.
GROUP_HR = "audit_penalty.group_audit_hr"
GROUP_AUDIT = "audit_penalty.group_audit_department"
GROUP_HEAD_OFFICE = "star_tiering.group_bank_head_office"
KIND_GROUPS = {"shortfall": GROUP_HR, "falsification": GROUP_AUDIT}
# Both departments prepare and publish the monthly bulletin: it reports both
# checks (the circular has the Audit Department issue it, 审计部…按月下发通报;
# HR & General Affairs, whose check it also reports, may do it in its stead).
BULLETIN_GROUPS = (GROUP_HR, GROUP_AUDIT)
# Who reads the tiering audit besides the Audit Department that runs it: head
# office (personal banking), which owns the tier policy and corrects the
# customers; no branch reads it (the auditors' working paper).
GROUP_TIERING_AUDIT_READERS = (GROUP_AUDIT, GROUP_HEAD_OFFICE)

# The bank roles (star_tiering's res.users.bank_role) that receive an audit
# group on top of star_tiering's: HR & general affairs (人事综合部) runs the
# shortfall check, the audit department (审计部) the samples.
ROLE_AUDIT_GROUPS = {
    "hr_general_affairs": GROUP_HR,
    "audit": GROUP_AUDIT,
}

# Fields of mail.thread and mail.activity.mixin: the chatter works on any
# record, final or not.
CHATTER_FIELD_PREFIXES = ("message_", "activity_")
