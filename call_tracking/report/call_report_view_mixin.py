"""What the call-tracking reports on an SQL view share: the view, created
again from the report's query at each install and update, and the check of
their boolean filters."""
from odoo import models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL


def has_text(column):
    """SQL: the text ``column`` holds more than blanks."""
    return SQL("COALESCE(btrim(%s, E' \\t\\r\\n'), '') <> ''", column)


class CallReportViewMixin(models.AbstractModel):
    _name = "call.report.view.mixin"
    _description = "Call-Tracking Report on an SQL View"

    def _view_query(self):
        """The SELECT of the report's view, an ``SQL`` object."""
        raise NotImplementedError

    def init(self):
        # the mixin itself has no view; each report (_auto = False) has its own
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            "CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._view_query(),
        ))

    def _check_boolean_search(self, operator, value):
        """Whether a search on a computed boolean (``= True``, ``!= False``…)
        asks for the positive side; other operators are refused."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        return (operator == "=") == value
