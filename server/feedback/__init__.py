"""Readers' corrections of highlights: stored, reviewed by an editor, exported as samples."""

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
#: The review states of a correction, in the order an editor meets them.
STATUSES: tuple[str, ...] = (PENDING, ACCEPTED, REJECTED)
