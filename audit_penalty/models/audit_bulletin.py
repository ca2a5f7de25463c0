"""The monthly bulletin (通报): per sub-branch the month's shortfall and
falsification fines, with totals and a ranking, published bank-wide once both
checks of the month are final. Publishing keeps the figures as published (the
lines and the XLSX), posts each sub-branch its own line on its thread and
moves the month's penalties to *Notified*."""
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.call_tracking.report.call_sheet_xlsx import XLSX_MIMETYPE

from .constants import BULLETIN_GROUPS, BULLETIN_STATES, CHATTER_FIELD_PREFIXES, CURRENCY_XMLID
from .draw import period_key

# The figures of _bulletin_figures() a line keeps (same names on the line).
LINE_FIGURES = (
    "shortfall_days", "missing_calls", "shortfall_fine", "shortfall_contest", "sampled_date",
    "verified", "falsified", "unreachable", "falsification_fine", "falsification_contest", "total",
)
# The bulletin's own totals, summed over its lines.
TOTAL_FIGURES = (
    "shortfall_days", "missing_calls", "shortfall_fine", "verified", "falsified", "unreachable",
    "falsification_fine", "total",
)
# Branches named in a refusal before "and N more".
LIST_LIMIT = 10




def rank_totals(totals):
    """{key: rank} for {key: total}: the highest total ranks 1, equal totals
    share a rank and the next rank skips as many (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first_at = {}
    for position, total in enumerate(ordered, start=1):
        first_at.setdefault(total, position)
    return {key: first_at[total] for key, total in totals.items()}


class AuditBulletin(models.Model):
    _name = "audit.bulletin"
    _description = "Monthly Audit Bulletin"
    _inherit = ["mail.thread", "call.transition.mixin"]
    _order = "period desc"

    name = fields.Char(compute="_compute_name", store=True)
    period = fields.Date(
        string="Month", required=True, default=lambda self: self._default_period(),
        help="The month of the bulletin (any day of it); the month must be over.",
    )
    state = fields.Selection(BULLETIN_STATES, default="draft", required=True, readonly=True, copy=False,
                             index=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency", required=True, readonly=True,
        default=lambda self: self.env.ref(CURRENCY_XMLID, raise_if_not_found=False),
    )
    generated_by_id = fields.Many2one("res.users", string="Prepared by", readonly=True, copy=False)
    generated_date = fields.Datetime(string="Prepared on", readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", string="Published by", readonly=True, copy=False)
    published_date = fields.Datetime(string="Published on", readonly=True, copy=False)
    line_ids = fields.One2many("audit.bulletin.line", "bulletin_id", string="Lines", readonly=True)
    branch_count = fields.Integer(string="Sub-branches", readonly=True, copy=False)
    fined_branch_count = fields.Integer(string="Sub-branches Fined", readonly=True, copy=False)
    shortfall_days = fields.Integer(string="Days Short", readonly=True, copy=False)
    missing_calls = fields.Integer(readonly=True, copy=False)
    shortfall_fine = fields.Monetary(readonly=True, copy=False)
    verified = fields.Integer(readonly=True, copy=False)
    falsified = fields.Integer(readonly=True, copy=False)
    unreachable = fields.Integer(readonly=True, copy=False)
    falsification_fine = fields.Monetary(readonly=True, copy=False)
    total = fields.Monetary(string="Total Fines", readonly=True, copy=False)
    xlsx_attachment_id = fields.Many2one("ir.attachment", string="XLSX", readonly=True, copy=False,
                                         ondelete="set null")
    xlsx_filename = fields.Char(related="xlsx_attachment_id.name", string="File")

    _sql_constraints = [
        ("period_uniq", "unique(period)", "A month has one bulletin."),
    ]

    @api.model
    def _default_period(self):
        """The bank's previous month: the one due for its bulletin."""
        return self.env["audit.penalty"]._previous_month()

    @api.depends("period")
    def _compute_name(self):
        for bulletin in self:
            bulletin.name = self.env._("Audit Bulletin %(month)s", month=period_key(bulletin.period)) \
                if bulletin.period else False

    # ------------------------------------------------------------------
    # Who does what
    # ------------------------------------------------------------------
    @api.model
    def _check_publisher(self):
        """HR & General Affairs and the Audit Department prepare and publish
        the bulletin (it reports both checks)."""
        if self.env.su:
            return
        if not any(self.env.user.has_group(group) for group in BULLETIN_GROUPS):
            raise AccessError(self.env._(
                "HR & General Affairs and the Audit Department prepare and publish the monthly bulletin."))

    def _check_draft(self):
        published = self.sudo().filtered(lambda bulletin: bulletin.state != "draft")
        if published:
            raise UserError(self.env._(
                "%(bulletin)s is published: it stays as it was published.", bulletin=published[0].display_name,
            ))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_publisher()
        Penalty = self.env["audit.penalty"]
        for vals in vals_list:
            first, _last = Penalty._check_month_over(vals.get("period") or self._default_period())
            vals["period"] = first
            if self.sudo().search_count([("period", "=", first)], limit=1):
                raise ValidationError(self.env._(
                    "%(month)s has a bulletin already: open it instead.", month=period_key(first)))
            for name in set(vals) - {"period", "company_id", "currency_id"}:
                if not name.startswith(CHATTER_FIELD_PREFIXES):
                    vals.pop(name)
        return super().create(vals_list)

    def write(self, vals):
        if self._is_transition():
            return super().write(vals)
        names = {name for name in vals if not name.startswith(CHATTER_FIELD_PREFIXES)}
        if names:
            self.check_access("write")
            self._check_draft()
            raise UserError(self.env._(
                "A bulletin is prepared from the month's penalties and samples: its figures are not typed in. "
                "Use Prepare to refresh them."
            ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        self._check_publisher()
        self._check_draft()

    # ------------------------------------------------------------------
    # Preparing: the figures of every sub-branch, ranked, and the XLSX
    # ------------------------------------------------------------------
    def action_generate(self):
        """(Re)compute the draft bulletin's lines from the month's final
        penalties and confirmed samples, its totals and ranking, and its
        XLSX. A published bulletin is never prepared again."""
        self._check_publisher()
        self._check_draft()
        for bulletin in self:
            bulletin._generate()
        return True

    def _figures(self):
        """The month's figures per sub-branch as the bulletin lists them: the
        ledger's (_bulletin_figures), each with its rank, in rank order."""
        self.ensure_one()
        figures = self.env["audit.penalty"].sudo()._bulletin_figures(self.period)
        ranks = rank_totals({row["branch_id"]: row["total"] for row in figures})
        for row in figures:
            row["rank"] = ranks[row["branch_id"]]
        return sorted(figures, key=lambda row: (row["rank"], row["branch_code"] or "", row["branch_id"]))

    def _generate(self):
        self.ensure_one()
        figures = self._figures()
        self.line_ids._transition().unlink()
        self.env["audit.bulletin.line"]._transition().create([
            {
                "bulletin_id": self.id, "branch_id": row["branch_id"], "branch_code": row["branch_code"],
                "branch_name": row["branch_name"], "rank": row["rank"],
                "currency_id": row["currency_id"] or self.currency_id.id,
                **{name: row[name] for name in LINE_FIGURES},
            }
            for row in figures
        ])
        totals = {name: sum(row[name] for row in figures) for name in TOTAL_FIGURES}
        self._transition().write({
            **totals,
            "branch_count": len(figures),
            "fined_branch_count": sum(1 for row in figures if row["total"]),
            "generated_by_id": self.env.uid,
            "generated_date": fields.Datetime.now(),
        })
        self._attach_xlsx()

    def _figures_changed(self):
        """Whether the month's figures are no longer those the lines show
        (a penalty confirmed or a contest decided since it was prepared)."""
        self.ensure_one()

        def key(values):
            return (values["branch_id"], values["rank"], *(values[name] or False for name in LINE_FIGURES))

        stored = [
            key({"branch_id": line.branch_id.id, "rank": line.rank, **{name: line[name] for name in LINE_FIGURES}})
            for line in self.sudo().line_ids
        ]
        return sorted(stored) != sorted(key(row) for row in self._figures())

    def _bulletin_xlsx(self):
        """The bulletin as XLSX bytes, from its stored lines (report/audit_bulletin_xlsx.py)."""
        self.ensure_one()
        content, _ext = self.env["report.audit_penalty.bulletin_xlsx"].create_xlsx_report(self.ids, {})
        return content

    def _xlsx_filename(self):
        name = "%s-%s.xlsx" % (self.env._("audit-bulletin"), period_key(self.period))
        return re.sub(r"[\\/:*?\"<>|\s]+", "-", name)

    def _attach_xlsx(self):
        """Replace the bulletin's XLSX by one built from its lines now."""
        self.ensure_one()
        previous = self.sudo().xlsx_attachment_id
        attachment = self.env["ir.attachment"].sudo().create({
            "name": self._xlsx_filename(),
            "raw": self._bulletin_xlsx(),
            "mimetype": XLSX_MIMETYPE,
            "res_model": self._name,
            "res_id": self.id,
        })
        self._transition().write({"xlsx_attachment_id": attachment.id})
        previous.unlink()
        return attachment

    def action_download_xlsx(self):
        self.ensure_one()
        self.check_access("read")
        if not self.xlsx_attachment_id:
            raise UserError(self.env._("Prepare the bulletin first: it has no XLSX yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.xlsx_attachment_id.id}?download=true",
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------
    def _publish_error(self):
        """Why the month cannot be published yet, or False: both checks must
        be final (no draft penalty, no open sample)."""
        self.ensure_one()
        first = self.period
        drafts = self.env["audit.penalty"].sudo().search([("period", "=", first), ("state", "=", "draft")])
        if drafts:
            return self.env._(
                "%(month)s has draft penalties (%(branches)s): confirm or replace them before publishing the "
                "bulletin.", month=period_key(first), branches=self._branch_list(drafts.branch_id),
            )
        open_samples = self.env["audit.sample"].sudo().search([("period", "=", first), ("state", "=", "draft")])
        if open_samples:
            return self.env._(
                "%(month)s has samples still open (%(branches)s): the Audit Department confirms their results "
                "before the bulletin is published.", month=period_key(first),
                branches=self._branch_list(open_samples.branch_id),
            )
        # what is published is what was prepared and reviewed
        if not self.generated_date:
            return self.env._("Prepare the bulletin and review it before publishing it.")
        if self._figures_changed():
            return self.env._(
                "The figures of %(month)s changed since the bulletin was prepared (a penalty confirmed or a contest "
                "decided since): prepare it again and review it before publishing it.", month=period_key(first),
            )
        return False

    def _branch_list(self, branches):
        names = branches.sorted("code").mapped("display_name")
        if len(names) > LIST_LIMIT:
            return self.env._("%(branches)s and %(count)s more", branches=", ".join(names[:LIST_LIMIT]),
                              count=len(names) - LIST_LIMIT)
        return ", ".join(names)

    def action_publish(self):
        """Publish the month's bulletin as prepared, once: refused while the
        month has a draft penalty or an open sample, or when its figures
        changed since it was prepared. The lines stay as published, with the
        XLSX (stamped published); the month's confirmed penalties become
        notified; each sub-branch is posted its own line, its rank and the
        bank's totals on its thread."""
        self._check_publisher()
        for bulletin in self:
            bulletin._check_draft()
            self.env["audit.penalty"]._check_month_over(bulletin.period)
            error = bulletin._publish_error()
            if error:
                raise UserError(error)
        for bulletin in self:
            self.env["audit.penalty"]._mark_notified(bulletin.period)
            bulletin._transition().write({
                "state": "published", "published_by_id": self.env.uid, "published_date": fields.Datetime.now(),
            })
            attachment = bulletin._attach_xlsx()
            bulletin.sudo().message_post(
                body=Markup("<p>%s</p>") % self.env._(
                    "Published by %(user)s: %(count)s sub-branch(es), %(fined)s fined, %(total)s in all.",
                    user=self.env.user.name, count=bulletin.branch_count, fined=bulletin.fined_branch_count,
                    total=bulletin._money(bulletin.total),
                ),
                attachment_ids=attachment.ids, subtype_xmlid="mail.mt_note",
            )
            bulletin._post_to_branches()
        return True

    def _money(self, amount):
        return f"{amount:,.2f} {self.currency_id.name or ''}".strip()

    def _post_to_branches(self):
        """Each sub-branch reads its line on its own thread (its president is
        notified): its fines, its rank and the bank's totals."""
        self.ensure_one()
        author = self.env.user.partner_id
        count = len(self.line_ids)
        link = self._get_html_link()
        for line in self.sudo().line_ids.with_prefetch():
            branch = line.branch_id
            president = branch._bank_president()
            body = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
                Markup(self.env._("%(bulletin)s: the figures of %(branch)s.")) % {
                    "bulletin": link, "branch": branch.name},
                Markup("").join(Markup("<li>%s</li>") % text for text in line._summary()),
                self.env._(
                    "Rank %(rank)s of %(count)s (1 = the highest fine). The bank: %(fined)s sub-branch(es) fined, "
                    "%(total)s in all (shortfall %(shortfall)s, falsification %(falsification)s).",
                    rank=line.rank, count=count, fined=self.fined_branch_count, total=self._money(self.total),
                    shortfall=self._money(self.shortfall_fine),
                    falsification=self._money(self.falsification_fine),
                ),
            )
            # star_tiering's inbox-only delivery (bank.branch._notify_thread_by_inbox): the
            # presidents find the notice in their inbox without a live push to each open
            # web client, which took 4 of the 8 s of 500 posts
            branch.sudo().with_context(mail_create_nosubscribe=True, star_tiering_night=True).message_post(
                body=body, author_id=author.id, partner_ids=president.partner_id.ids,
                subtype_xmlid="mail.mt_note", message_type="comment",
            )

