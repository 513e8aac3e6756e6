"""Storage: the only code that speaks SQL. One module per family of tables."""
