"""newsindex (public API assembled below)."""
