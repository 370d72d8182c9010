"""Writing files safely: ownership lists, all-or-nothing changes, locks."""
