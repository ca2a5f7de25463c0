"""The server's own writes on records whose fields no user writes by hand (a
sheet's state and signatures, a penalty's confirmation, a sample's draw...).

The model's ``write``/``create`` refuse those fields unless ``_is_transition()``:
the context carries, under the model's own key, an object only server code can
put there (a context that comes over RPC is JSON: it cannot hold it)."""
from odoo import models


class _Transition:
    __slots__ = ()


_TRANSITION = _Transition()


class TransitionMixin(models.AbstractModel):
    _name = "call.transition.mixin"
    _description = "Server-side Transitions"

    def _transition_key(self):
        return f"{self._name}.transition"

    def _is_transition(self):
        """Whether this write is one of the model's own transitions."""
        return self.env.context.get(self._transition_key()) is _TRANSITION

    def _transition_context(self):
        return {self._transition_key(): _TRANSITION}

    def _transition(self):
        """The records, as superuser, in a transition's context: the caller
        checked the state, the user and their rights before."""
        return self.sudo().with_context(**self._transition_context())

    def _transition_write(self, vals):
        return self._transition().write(vals)
