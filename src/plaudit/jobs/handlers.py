"""The registry of every job kind Plaudit enqueues, and of the periodic work of its workers
(notifications: dispatch events into mail and webhooks, queue reminders, send mail and webhooks).
The webhooks' bodies are Credly's event JSON, written once, by the Credly dialect."""

from functools import partial

from plaudit.dialects.credly.events import event_out
from plaudit.jobs import export_job, import_job, pdf_bundle_job, status_expiry_job
from plaudit.jobs.registry import JobHandler, Registry
from plaudit.notifications import outbox_pumps
from plaudit.services import credential_status, data_exports, pdf_bundles, spreadsheet_imports


def default_registry() -> Registry:
    registry = Registry()
    registry.register(data_exports.JOB_KIND, JobHandler(export_job.run, export_job.give_up))
    registry.register(pdf_bundles.JOB_KIND, JobHandler(pdf_bundle_job.run, pdf_bundle_job.give_up))
    registry.register(credential_status.EXPIRY_JOB, JobHandler(status_expiry_job.run))
    registry.register(spreadsheet_imports.JOB_KIND, JobHandler(import_job.run, import_job.give_up))
    registry.add_periodic(partial(outbox_pumps.dispatch_events, event_json=event_out))
    registry.add_periodic(
        outbox_pumps.every(outbox_pumps.REMINDER_INTERVAL, outbox_pumps.queue_reminders)
    )
    registry.add_periodic(outbox_pumps.send_mail)
    registry.add_periodic(outbox_pumps.send_webhooks)
    return registry
