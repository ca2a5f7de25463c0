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
        for branch in self:
            branch._call_check_staff(branch.call_designated_user_ids)

    def _call_strangers(self, users):
        """The users of ``users`` who do not work in this branch or its outlets."""
        self.ensure_one()
        tree = self.sudo().search([("id", "child_of", self.ids)])
        return users.sudo().filtered(lambda user: user.branch_id not in tree)

    def _call_check_staff(self, users):
        """The designated callers of a sub-branch work in it or in its outlets."""
        strangers = self._call_strangers(users)
        if strangers:
            raise ValidationError(self.env._(
                "%(users)s cannot call for %(branch)s: designated callers work in the branch or its outlets.",
                users=", ".join(strangers.mapped("name")), branch=self.display_name,
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

    def _call_working_day_branches(self, day):
        """The branches of self for which ``day`` is a working day (one
        calendar query per calendar, not per branch)."""
        by_calendar = {}
        for branch in self.sudo():
            calendar = branch.resource_calendar_id or self.env.company.resource_calendar_id
            by_calendar.setdefault(calendar, []).append(branch.id)
        working_ids = []
        for branch_ids in by_calendar.values():
            if self.browse(branch_ids[0])._is_working_day(day):
                working_ids += branch_ids
        return self.browse(working_ids)

    def _call_quota_applies(self, day, working=None):
        """Does the daily quota apply to this sub-branch on ``day``: a working
        day, from the branch's start date on."""
        self.ensure_one()
        if self.call_quota_start_date and day < self.call_quota_start_date:
            return False
        return self._is_working_day(day) if working is None else working
