"""What the enquiry app tells the apps above it, so they can act on an enquiry without the
enquiry app importing them (the layers: only downward imports)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `enquiry.services.record_enquiry` inside its transaction, once a new enquiry (not a
# repeat of one already saved) and everything of its own are saved, with `enquiry=` the saved
# Enquiry. It is sent with `send`, not `send_robust`: a receiver that fails rolls the enquiry
# back, so what receivers write (e.g. events.linking's links to earlier bookings) is saved with
# the enquiry or not at all.
enquiry_recorded = Signal()
