"""Every periodic job Masthead runs, declared in one place.

`masthead worker` runs these on schedule; each job calls an app's action so the
same work can be started by hand from a command.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

_registered = False


def register() -> None:
    """Declare the periodic tasks once (called from CoreConfig.ready)."""
    global _registered
    if _registered:
        return
    _registered = True

    @db_periodic_task(crontab(minute="*/10"), name="masthead.clear_expired_sessions")
    def clear_expired_sessions():
        from django.core.management import call_command

        call_command("clearsessions")

    @db_periodic_task(crontab(minute="17", hour="3"), name="masthead.access.purge_old_meter_reads")
    def purge_old_meter_reads():
        from masthead.access.actions import purge_old_meter_reads as purge

        return purge()

    @db_periodic_task(crontab(minute="29", hour="3"), name="masthead.core.refresh_planner_statistics")
    def refresh_planner_statistics():
        from masthead.core.db import refresh_planner_statistics as refresh

        return refresh()

    # --- content: scheduled stories marked published at their time (content.actions.publish_due) ---
    @db_periodic_task(crontab(minute="*"), name="masthead.content.publish_due")
    def content_publish_due():
        from masthead.content.actions import publish_due

        return publish_due()

    # The archive's day rows counted again from the stories (content.rollup): catches any
    # write that sent no signal (a queryset's update, a bulk import).
    @db_periodic_task(crontab(minute="53", hour="3"), name="masthead.content.rebuild_archive_days")
    def content_rebuild_archive_days():
        from masthead.content.tasks import rebuild_archive_days

        return f"{rebuild_archive_days.call_local():,} archive days"

    # The search index's partitions for this year and the next, made ahead of the first
    # story of a year (content.search.index.prepare).
    @db_periodic_task(crontab(minute="57", hour="3"), name="masthead.content.prepare_search")
    def content_prepare_search():
        from masthead.content.search.index import prepare

        prepare()

    # --- billing: renewal notices, renewals, retries and endings (billing.renewals) ---
    @db_periodic_task(crontab(minute="*/5"), name="masthead.billing.renew_due")
    def billing_renew_due():
        from masthead.billing.renewals import renew_due

        return renew_due().as_line()

    # Gifts: each is e-mailed on its delivery day (the publication's), and its recipient is
    # offered to continue a week before it ends (billing.gifts).
    @db_periodic_task(crontab(minute="*/15"), name="masthead.billing.gifts_due")
    def billing_gifts_due():
        from masthead.billing.gifts import run_due

        return run_due()

    @db_periodic_task(crontab(minute="41", hour="3"), name="masthead.billing.purge_rejected_webhooks")
    def billing_purge_rejected_webhooks():
        from masthead.billing.webhooks import purge_rejected

        return purge_rejected()

    # --- wire: each source is polled on its own interval (backing off after failures) ---
    @db_periodic_task(crontab(minute="*"), name="masthead.wire.poll_due")
    def wire_poll_due():
        from masthead.wire.actions import poll_due

        return poll_due().as_line()
    # --- newsletters: digests on their cadence, scheduled issues, stopped sends resumed ---
    @db_periodic_task(crontab(minute="*/5"), name="masthead.newsletters.run_due")
    def newsletters_run_due():
        from masthead.newsletters.digests import run_due

        return run_due().as_line()
    # --- analytics: the revenue desk's rollups and weekly report (analytics.rollup, .report) ---
    @db_periodic_task(crontab(minute="7"), name="masthead.analytics.rollup_recent")
    def analytics_rollup_recent():
        from masthead.analytics.rollup import rollup_recent

        return rollup_recent()

    @db_periodic_task(crontab(minute="23", hour="4"), name="masthead.analytics.purge_raw_events")
    def analytics_purge_raw_events():
        from masthead.analytics.rollup import purge_raw_events

        return purge_raw_events()

    # Mondays 03:30 UTC: 09:00 in Kolkata, the week just ended rolled up at 03:07.
    @db_periodic_task(crontab(minute="30", hour="3", day_of_week="1"), name="masthead.analytics.weekly_report")
    def analytics_weekly_report():
        from masthead.analytics.report import send_weekly_report

        return send_weekly_report()
