from . import models
from . import wizard
from . import report


def post_init_hook(env):
    """China's public holidays and make-up working days of the bank's current
    and next year into every branch's calendar (and the company's); a year the
    `holidays` package does not know yet is reported, not a failed install."""
    # the install's environment has no language; the loader's labels need one
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    env = env(context=dict(env.context, lang=env.context.get("lang") or (admin and admin.lang) or "en_US"))
    year = env["bank.branch"]._bank_today().year
    env["resource.calendar"]._call_tracking_load_holidays([year, year + 1])
