"""Background jobs: an outbox table written with the change that causes a job, and workers that
claim and run its rows (in the server process, or as `plaudit worker` processes)."""
