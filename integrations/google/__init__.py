"""Two-way sync of the agenda with the owner's Google calendar."""
