from odoo import Command, models

from .constants import ROLE_AUDIT_GROUPS


class ResUsers(models.Model):
    _inherit = "res.users"

    def _apply_bank_role(self):
        """On top of star_tiering's group per role: HR & general affairs gets
        the group that runs the shortfall check, the audit department the one
        that draws and confirms the samples; any other role loses both (an
        auditor who becomes a teller stops drawing samples). Applied before
        star_tiering's: the audit groups imply its auditor group, which it
        takes away from a former auditor only once nothing implies it."""
        groups = {xmlid: self.env.ref(xmlid, raise_if_not_found=False) for xmlid in set(ROLE_AUDIT_GROUPS.values())}
        # one write per role, not per user (as star_tiering does)
        for role in set(self.mapped("bank_role")):
            users = self.filtered(lambda u, r=role: u.bank_role == r).sudo()
            group = groups.get(ROLE_AUDIT_GROUPS.get(role))
            commands = [Command.unlink(g.id) for g in groups.values() if g and g != group]
            if group:
                commands.append(Command.link(group.id))
            users.write({"groups_id": commands})
        return super()._apply_bank_role()
