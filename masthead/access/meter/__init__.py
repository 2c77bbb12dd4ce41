"""The meter: counts which metered articles a reader opened in a period."""
