from . import models
from . import report
from . import wizard


def post_init_hook(env):
    """The staff already in the HR & general affairs and audit roles get the
    audit groups of their role."""
    users = env["res.users"].with_context(active_test=False).search(
        [("bank_role", "in", ["hr_general_affairs", "audit"])]
    )
    users._apply_bank_role()
