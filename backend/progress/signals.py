"""What progress announces. Listeners subscribe here; progress imports none of them.

- `self_assessments_recorded`, at once, inside the writer's transaction, with `records`:
  the self-assessments `self_assessments_create` wrote in one bulk insert (which sends no
  model signal). The audit trail listens.
"""

from django.dispatch import Signal

self_assessments_recorded = Signal()
