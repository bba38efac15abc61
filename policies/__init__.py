"""Authorization: the Casbin model and role permissions (the scoped-logins issue fills it)."""
