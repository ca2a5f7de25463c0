from . import audit_shortfall_wizard
from . import audit_sampling_wizard
from . import audit_penalty_contest
from . import audit_seed_commitment_withdraw
from . import audit_tiering_wizard
