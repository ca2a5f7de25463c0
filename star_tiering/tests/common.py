from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import mail_new_test_user


class StarTieringCase(TransactionCase):
    """A small bank: head office (default policy) → sub-branch A (outlet A1)
    and sub-branch B, with staff in every role the default policy routes to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=False, no_reset_password=True))
        cls.today = cls.env["bank.branch"]._bank_today()
        Branch = cls.env["bank.branch"]
        cls.head_office = cls.env.ref("star_tiering.branch_head_office")
        cls.branch_a = Branch.create({"name": "Branch A", "code": "T-A", "parent_id": cls.head_office.id})
        cls.outlet_a1 = Branch.create({
            "name": "Outlet A1", "code": "T-A1", "parent_id": cls.branch_a.id, "branch_type": "outlet",
        })
        cls.branch_b = Branch.create({"name": "Branch B", "code": "T-B", "parent_id": cls.head_office.id})

        def user(login, role, branch):
            return mail_new_test_user(
                cls.env, login=login, name=login.replace("_", " ").title(),
                groups="base.group_user", branch_id=branch.id if branch else False, bank_role=role,
            )

        cls.president_a = user("president_a", "branch_president", cls.branch_a)
        cls.teller_a1 = user("teller_a1", "teller", cls.branch_a)
        cls.teller_a2 = user("teller_a2", "teller", cls.branch_a)
        cls.cm_a = user("cm_a", "customer_manager", cls.branch_a)
        cls.staff_a = user("staff_a", "outlet_staff", cls.branch_a)
        cls.dev_a = user("dev_a", "development_staff", cls.branch_a)
        cls.teller_o1 = user("teller_o1", "teller", cls.outlet_a1)
        cls.president_b = user("president_b", "branch_president", cls.branch_b)
        cls.teller_b = user("teller_b", "teller", cls.branch_b)
        cls.auditor = user("auditor", "audit", cls.head_office)
        cls.head_office_user = user("ho_manager", "personal_banking", cls.head_office)
        cls.plain_user = mail_new_test_user(cls.env, login="plain_user", groups="base.group_user")
        cls.branch_a.president_id = cls.president_a
        cls.branch_b.president_id = cls.president_b
        cls._seq = 0

    @classmethod
    def make_customer(cls, aum=0.0, branch=None, has_business=None, **values):
        cls._seq += 1
        vals = {
            "name": values.pop("name", f"Customer {cls._seq}"),
            "customer_number": f"T{cls._seq:07d}",
            "branch_id": (branch or cls.branch_a).id,
            "aum_daily_avg": aum,
            "has_business": bool(aum) if has_business is None else has_business,
        }
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    def run_tiering(self, branches=None, partners=None, reason="nightly"):
        branches = branches or (self.branch_a | self.outlet_a1 | self.branch_b)
        return self.env["res.partner"]._star_tiering_apply(
            branches, partner_ids=partners.ids if partners else None, reason=reason
        )

    def set_aum(self, partner, aum):
        partner.write({"aum_daily_avg": aum, "has_business": bool(aum) or partner.has_business})

    def activities(self, partners, xmlid="star_tiering.mail_activity_type_customer_maintenance"):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", partners.ids),
            ("activity_type_id", "=", self.env.ref(xmlid).id),
        ])

    def customise_policy(self, branch, **mins):
        """Give ``branch`` its own policy with the given 3/4/5★ minimums."""
        branch.action_customise_tier_policy()
        lines = {line.star_tier: line for line in branch.tier_policy_line_ids}
        branch.write({
            "tier_policy_line_ids": [
                (1, lines[tier].id, {"min_aum": amount})
                for tier, amount in sorted(mins.items(), key=lambda kv: -kv[1])
            ]
        })
        return lines
