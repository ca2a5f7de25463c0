"""The shape of OCA's ``report_xlsx`` abstract report (``create_xlsx_report(docids,
data)`` and ``generate_xlsx_report(workbook, data, objs)``) on plain xlsxwriter,
once for the addons' XLSX reports (the call sheet here, audit_penalty's
bulletin): a report inherits it, names its model and writes one record."""
import io

import xlsxwriter

from odoo import api, models


class XlsxReportAbstract(models.AbstractModel):
    _name = "report.call_tracking.xlsx_abstract"
    _description = "XLSX Report (xlsxwriter)"

    # the model of the records the report prints, one worksheet each
    _xlsx_model = None

    @api.model
    def get_workbook_options(self):
        return {"in_memory": True}

    @api.model
    def create_xlsx_report(self, docids, data):
        """XLSX bytes of the records ``docids``, one worksheet each: (bytes, "xlsx")."""
        objs = self.env[self._xlsx_model].browse(docids)
        stream = io.BytesIO()
        workbook = xlsxwriter.Workbook(stream, self.get_workbook_options())
        self.generate_xlsx_report(workbook, data or {}, objs)
        workbook.close()
        return stream.getvalue(), "xlsx"

    @api.model
    def generate_xlsx_report(self, workbook, data, objs):
        formats = self._formats(workbook)
        for record in objs:
            self._write_record(workbook, formats, record)

    def _formats(self, workbook):
        """{name: xlsxwriter format} shared by the report's worksheets."""
        raise NotImplementedError

    def _write_record(self, workbook, formats, record):
        """Write ``record``'s worksheet."""
        raise NotImplementedError
