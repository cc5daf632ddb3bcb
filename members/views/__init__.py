"""Public views of member companies, one module per area."""
