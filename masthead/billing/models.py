"""Billing: plans (more models arrive with subscriptions, payments and invoices)."""

from __future__ import annotations

from django.db import models

from masthead.core.money import Money


class Plan(models.Model):
    """Something a reader can buy: a price for a term, renewing automatically."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    price = models.PositiveIntegerField(help_text="Tax-inclusive price in minor units (paise): ₹900 is 90000.")
    currency = models.CharField(max_length=3, default="INR")
    term_months = models.PositiveSmallIntegerField(help_text="Months each payment covers: 3, 12, 24...")
    is_visible = models.BooleanField("visible", default=True, help_text="Shown on the paywall and /subscribe.")
    is_active = models.BooleanField("active", default=True, help_text="Can be bought or renewed.")
    display_order = models.PositiveSmallIntegerField(default=0)
    benefits = models.TextField(blank=True, help_text="One benefit per line, shown with the plan.")
    highlight = models.CharField(max_length=60, blank=True, help_text="Optional badge, e.g. 'Best value'.")

    class Meta:
        ordering = ["display_order", "price"]

    def __str__(self) -> str:
        return self.name

    @property
    def money(self) -> Money:
        return Money(self.price, self.currency)

    def benefit_list(self) -> list[str]:
        return [line.strip() for line in self.benefits.splitlines() if line.strip()]
