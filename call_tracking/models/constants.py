"""The numbers and states of the bank's phone-marketing circular (DOMAIN.md §2),
in one place."""

# 通话1分钟以上视为有效营销: a call of one minute or more is an effective call.
EFFECTIVE_SECONDS = 60
# 工作日每天至少有效营销10名客户: ten distinct effective customers per working day.
DAILY_QUOTA = 10
# Longer than this is a typing error, not a call (4 hours).
MAX_CALL_SECONDS = 4 * 3600

SHEET_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("supervisor_signed", "Signed by Supervisor"),
    ("president_signed", "Signed by President"),
]
# A signed sheet is final (签字确认): from the accounting supervisor's signature
# on, neither the sheet nor its calls change until head office reopens it.
LOCKED_STATES = ("supervisor_signed", "president_signed")

CALL_OUTCOMES = [
    ("interested", "Interested"),
    ("appointment", "Appointment Made"),
    ("sold", "Product Sold"),
    ("callback", "Call Back Later"),
    ("not_interested", "Not Interested"),
    ("no_answer", "No Answer"),
    ("wrong_number", "Wrong Number"),
]

# The situations of the phone-marketing handbook's scripts (《电话营销手册》 话术).
SCRIPT_SITUATIONS = [
    ("maturity", "Product Maturing"),
    ("appointment", "Appointment"),
    ("new_product", "New Product Information"),
    ("vip_upgrade", "Gold-card Upgrade at VIP Level"),
    ("care", "Care Call"),
    ("long_silence", "Re-contact after a Long Silence"),
]
# Offered for any customer: an appointment and a care call always fit.
ALWAYS_SUGGESTED_SITUATIONS = ("appointment", "care")
# A customer whose tier rose to 4★ or 5★ this many days ago or less has just
# reached VIP level (达到VIP级别): offer the gold-card upgrade.
VIP_TIERS = ("4", "5")
VIP_UPGRADE_DAYS = 30
# No contact for more than this many days (or never): the long-silence script.
LONG_SILENCE_DAYS = 90
# A time deposit or wealth product maturing within this many days (the holdings
# from the core-banking feed answer it once they exist).
MATURITY_DAYS = 30
