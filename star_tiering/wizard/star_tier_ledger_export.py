"""Classification ledger (客户分类管理台账) as an XLSX workbook, built with xlsxwriter."""
import base64
import io

import xlsxwriter

from odoo import _, fields, models


class StarTierLedgerExport(models.TransientModel):
    _name = "star.tier.ledger.export"
    _description = "Export the Customer Classification Ledger"

    branch_ids = fields.Many2many(
        "bank.branch", string="Branches", help="Leave empty for every branch you can see."
    )
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _ledger_domain(self):
        domain = [("branch_id", "!=", False)]
        if self.branch_ids:
            domain.append(("branch_id", "child_of", self.branch_ids.ids))
        return domain

    def _build_workbook(self):
        """XLSX bytes: one row per customer, then coverage and tier counts per branch.
        Reads through the ORM as the user, so record rules decide what is exported."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        domain = self._ledger_domain()
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        money = book.add_format({"num_format": "#,##0.00"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        percent = book.add_format({"num_format": "0.0%"})
        tier_labels = dict(Partner._fields["star_tier"]._description_selection(self.env))

        sheet = book.add_worksheet(_("Ledger"))
        header = [_("Branch"), _("Customer Number"), _("Customer"), _("Star Tier"), _("Stars"),
                  _("Annual Avg. Daily Assets"), _("Tier Owner"), _("Secondary Owner"),
                  _("Last Contact"), _("Next Contact")]
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        row = 1
        fnames = ["branch_id", "customer_number", "name", "star_tier", "aum_daily_avg",
                  "tier_owner_id", "tier_secondary_owner_id", "last_contact_date", "next_contact_date"]
        offset = 0
        while True:
            batch = Partner.search_fetch(domain, fnames, offset=offset, limit=5000, order="branch_id, id")
            if not batch:
                break
            for partner in batch:
                sheet.write(row, 0, partner.branch_id.display_name)
                sheet.write(row, 1, partner.customer_number or "")
                sheet.write(row, 2, partner.name or "")
                sheet.write(row, 3, tier_labels.get(partner.star_tier))
                sheet.write(row, 4, "★" * int(partner.star_tier or 0))
                sheet.write_number(row, 5, partner.aum_daily_avg or 0.0, money)
                sheet.write(row, 6, partner.tier_owner_id.name or "")
                sheet.write(row, 7, partner.tier_secondary_owner_id.name or "")
                if partner.last_contact_date:
                    sheet.write_datetime(row, 8, fields.Datetime.to_datetime(partner.last_contact_date), date)
                if partner.next_contact_date:
                    sheet.write_datetime(row, 9, fields.Datetime.to_datetime(partner.next_contact_date), date)
                row += 1
            offset += len(batch)
            batch.invalidate_recordset()
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 9, 16)

        summary = book.add_worksheet(_("Coverage"))
        tiers = [t for t, _label in Partner._fields["star_tier"].selection]
        summary.write_row(0, 0, [_("Branch"), _("Customers"), _("Tiered"), _("Coverage")]
                          + [tier_labels[t] for t in tiers], bold)
        groups = Partner._read_group(domain, ["branch_id", "star_tier"], ["__count"])
        by_branch = {}
        for branch, tier, count in groups:
            by_branch.setdefault(branch, {})[tier] = count
        for line, branch in enumerate(sorted(by_branch, key=lambda b: b.display_name), start=1):
            counts = by_branch[branch]
            total = sum(counts.values())
            tiered = total - counts.get("0", 0)
            summary.write(line, 0, branch.display_name)
            summary.write_number(line, 1, total)
            summary.write_number(line, 2, tiered)
            summary.write_number(line, 3, tiered / total if total else 0.0, percent)
            for col, tier in enumerate(tiers, start=4):
                summary.write_number(line, col, counts.get(tier, 0))
        summary.set_column(0, 0, 28)
        book.close()
        return stream.getvalue()

    def action_export(self):
        self.ensure_one()
        self.write({
            "file": base64.b64encode(self._build_workbook()),
            "filename": "%s-%s.xlsx" % (_("customer-ledger"), fields.Date.context_today(self)),
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file/{self.filename}?download=true",
            "target": "self",
        }
