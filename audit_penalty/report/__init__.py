from . import audit_bulletin_xlsx
