from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .constants import DAILY_QUOTA, EFFECTIVE_SECONDS, MAX_CALL_SECONDS

# The circular's numbers and the sign-off deputies are head office's to set: a
# branch that lowered its own quota would lower its own fines (audit_penalty).
HEAD_OFFICE_CALL_FIELDS = frozenset({
    "call_effective_seconds", "call_daily_quota", "call_quota_start_date",
    "call_deputy_supervisor_id", "call_deputy_president_id",
})


class BankBranch(models.Model):
    _inherit = "bank.branch"

    call_effective_seconds = fields.Integer(
        string="Effective Call From (seconds)", default=EFFECTIVE_SECONDS, tracking=True,
        help="A call this long or longer is an effective marketing call; shorter calls are "
        "recorded but not counted. Applies to the sheets opened after a change.",
    )
    call_daily_quota = fields.Integer(
        string="Daily Quota (effective customers)", default=DAILY_QUOTA, tracking=True,
        help="Distinct customers with an effective call that the sub-branch must reach each "
        "working day. Applies to the sheets opened after a change.",
    )
    call_quota_start_date = fields.Date(
        string="Quota Applies From", tracking=True,
        help="First day the daily quota applies to this sub-branch; empty: every working day.",
    )
    call_designated_user_ids = fields.Many2many(
        "res.users", "bank_branch_call_designated_user_rel", "branch_id", "user_id",
        string="Designated Callers", domain="[('share', '=', False)]",
        help="The tellers who make the day's calls; each new daily sheet starts with them.",
    )
    call_deputy_supervisor_id = fields.Many2one(
        "res.users", string="Deputy Accounting Supervisor", tracking=True,
        domain="[('share', '=', False)]",
        help="Signs the daily call sheets in the accounting supervisor's place.",
    )
    call_deputy_president_id = fields.Many2one(
        "res.users", string="Deputy President", tracking=True,
        domain="[('share', '=', False)]",
        help="Signs the daily call sheets in the branch president's place.",
    )

    @api.constrains("call_effective_seconds", "call_daily_quota")
    def _check_call_settings(self):
        for branch in self:
            if not 0 < branch.call_effective_seconds <= MAX_CALL_SECONDS:
                raise ValidationError(self.env._(
                    "%(branch)s: the effective-call threshold must be between 1 and %(max)s seconds.",
                    branch=branch.display_name, max=MAX_CALL_SECONDS,
                ))
            if branch.call_daily_quota < 0:
                raise ValidationError(self.env._(
                    "%(branch)s: the daily quota cannot be negative.", branch=branch.display_name,
                ))

    @api.constrains("call_designated_user_ids")
    def _check_call_designated_users(self):
        self._call_check_staff({branch.id: branch.call_designated_user_ids for branch in self})

    def _call_strangers(self, users):
        """{branch id: the users of ``users`` who work neither in that branch
        nor in one of its outlets (nor in an archived branch)}, for every
        branch of self: from the branches' parent paths, in the records'
        batch reads, with no search per branch."""
        users = users.sudo()
        result = {}
        for branch in self.sudo():
            tree = branch.parent_path if branch.active else None
            result[branch.id] = users.filtered(
                lambda user, tree=tree: not (
                    tree and user.branch_id.active and (user.branch_id.parent_path or "").startswith(tree)
                )
            )
        return result

    def _call_check_staff(self, callers):
        """The designated callers of a sub-branch work in it or in its
        outlets. ``callers``: {branch id: users} for the branches of self."""
        strangers = self._call_strangers(self.env["res.users"].union(*callers.values()))
        for branch in self:
            wrong = strangers[branch.id] & callers.get(branch.id, self.env["res.users"])
            if wrong:
                raise ValidationError(self.env._(
                    "%(users)s cannot call for %(branch)s: designated callers work in the branch or its outlets.",
                    users=", ".join(wrong.mapped("name")), branch=branch.display_name,
                ))

    def write(self, vals):
        if HEAD_OFFICE_CALL_FIELDS & set(vals) and not self.env.su and not self.env.user.has_group(
            "star_tiering.group_bank_head_office"
        ):
            raise AccessError(self.env._(
                "The effective-call threshold, the daily quota, its start date and the deputy "
                "signatories are set by head office."
            ))
        return super().write(vals)

    # ------------------------------------------------------------------
    # The sheet's branch and quota
    # ------------------------------------------------------------------
    def _call_sheet_branch(self):
        """{branch id: the sub-branch that signs its day's call sheet}: the
        branch itself or its nearest sub-branch up the tree (an outlet's
        customers go on its sub-branch's sheet); no entry when there is none."""
        result = {}
        branches = self.sudo()
        ancestors = branches.browse({int(pid) for b in branches for pid in b.parent_path.split("/") if pid})
        types = {b.id: b.branch_type for b in ancestors}
        for branch in branches:
            # parent_path lists the ancestors from the root: the nearest is last
            path = [int(pid) for pid in branch.parent_path.split("/") if pid]
            sub_branch = next((pid for pid in reversed(path) if types.get(pid) == "sub_branch"), None)
            if sub_branch:
                result[branch.id] = sub_branch
        return result

    def _call_working_days(self, date_from, date_to):
        """{branch id: the set of its working days between two dates (both
        included)} for the branches of self: one look at each calendar over
        the whole period, not one per branch or per day."""
        company_calendar = self.env.company.resource_calendar_id
        by_calendar = defaultdict(list)
        for branch in self.sudo():
            by_calendar[branch.resource_calendar_id or company_calendar].append(branch.id)
        result = {}
        for calendar, branch_ids in by_calendar.items():
            days = set(calendar._bank_working_days(date_from, date_to)) if calendar else set()
            result.update(dict.fromkeys(branch_ids, days))
        return result

    def _call_working_day_branches(self, day):
        """The branches of self for which ``day`` is a working day."""
        working = self._call_working_days(day, day)
        return self.filtered(lambda branch: day in working[branch.id])

    def _call_quota_applies(self, day, working=None):
        """Does the daily quota apply to this sub-branch on ``day``: a working
        day, from the branch's start date on."""
        self.ensure_one()
        if self.call_quota_start_date and day < self.call_quota_start_date:
            return False
        return self._is_working_day(day) if working is None else working
