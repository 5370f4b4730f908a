"""Notifications (issue 14): mail to recipients, from the events the core services record,
through an outbox the job worker delivers."""
