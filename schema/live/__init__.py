"""Live updates (issue 15): subscriptions woken by PostgreSQL's notifications."""
