"""Existing plans' marketing text becomes benefits from the registry: what subscribers had."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_existing_plans_keep_every_delivered_benefit():
    executor = MigrationExecutor(connection)
    executor.migrate([("billing", "0003_buyer_gst_details")])
    old = executor.loader.project_state([("billing", "0003_buyer_gst_details")]).apps
    old.get_model("billing", "Plan").objects.create(
        code="old", name="Old plan", price=90000, term_months=3, benefits="Premium stories\nAd-free reading",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from masthead.access.benefits import Benefit
    from masthead.billing.models import Plan

    plan = Plan.objects.get(code="old")
    assert plan.benefits == ["premium", "partner", "archive", "ad_free", "devices"]
    assert plan.benefit_set() == {Benefit.PREMIUM, Benefit.PARTNER, Benefit.ARCHIVE, Benefit.AD_FREE, Benefit.DEVICES}
