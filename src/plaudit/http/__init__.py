"""HTTP plumbing every dialect shares: sessions, settings, request logging, health."""
