"""HTTP shell and composition root: Starlette, settings, the CLI. Everything is wired here."""
