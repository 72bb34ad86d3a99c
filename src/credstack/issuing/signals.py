"""Signals the issuing app sends, so other apps react to awards without issuing
importing them (claim emails, analytics).

``awards_issued`` is sent once the transaction that stored new awards has committed,
with ``sender=Award`` and ``awards`` the list of newly stored :class:`Award` rows (one
for a single award, a batch for bulk awarding). An idempotent retry that returns an
existing award sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.dispatch import Signal

if TYPE_CHECKING:
    from credstack.issuing.models import Award

awards_issued = Signal()


def announce_awards(awards: Sequence[Award]) -> None:
    """Send :data:`awards_issued` for ``awards`` after the current transaction commits."""
    if not awards:
        return
    from credstack.issuing.models import Award

    batch = list(awards)
    transaction.on_commit(lambda: awards_issued.send(sender=Award, awards=batch))
