"""The examiners' dashboard (SPEC §12): who may look, and what each view reads — through the
same use cases and permissions as the chat commands."""
