"""Use cases. Services never commit: the request or the CLI command owns the transaction."""
