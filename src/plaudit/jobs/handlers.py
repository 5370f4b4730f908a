"""The registry of every job kind Plaudit enqueues (mail and webhooks will join exports)."""

from plaudit.jobs import export_job
from plaudit.jobs.registry import JobHandler, Registry
from plaudit.services import data_exports


def default_registry() -> Registry:
    registry = Registry()
    registry.register(data_exports.JOB_KIND, JobHandler(export_job.run, export_job.give_up))
    return registry
