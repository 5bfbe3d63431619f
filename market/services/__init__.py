"""Services: the rules and the database work. They never commit: the framework owns the transaction."""
