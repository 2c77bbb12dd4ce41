"""GST tax invoices: one per successful payment, numbered consecutively per financial year.

Prices are tax-inclusive, so GST is broken out of the price in integer paise:
taxable = round(price * 100 / (100 + rate)), tax = price - taxable.

Place of supply: the buyer's state when they named one at checkout (or their GSTIN
names it), and then IGST when it is not the publication's state (billing.gst). With no
state on record the place of supply is the supplier's location, so the supply is
intra-state: the tax is split into CGST and SGST at half the rate each (CGST takes the
lower half of an odd paisa); MASTHEAD_GST_INTER_STATE switches that default to IGST.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.billing.gst import is_inter_state, supplier_state
from masthead.billing.periods import financial_year
from masthead.core.dates import long_date
from masthead.core.db import is_unique_violation


@dataclass(frozen=True)
class GstBreakdown:
    total: int
    taxable: int
    cgst: int
    sgst: int
    igst: int
    rate: int

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst


def break_out_gst(price: int, rate: int | None = None, *, inter_state: bool | None = None) -> GstBreakdown:
    """Split a tax-inclusive price (minor units) into taxable value and GST, integers only."""
    rate = settings.MASTHEAD_GST_RATE if rate is None else rate
    if inter_state is None:
        inter_state = settings.MASTHEAD_GST_INTER_STATE
    # Integer round-half-up of price*100/(100+rate), no floats anywhere.
    taxable = (price * 200 + (100 + rate)) // (2 * (100 + rate))
    tax = price - taxable
    if inter_state:
        return GstBreakdown(price, taxable, 0, 0, tax, rate)
    cgst = tax // 2
    return GstBreakdown(price, taxable, cgst, tax - cgst, 0, rate)


def next_number(fy: str) -> int:
    """Take the next number in a financial year under a row lock (call inside a transaction)."""
    from masthead.billing.models import InvoiceCounter

    counter = InvoiceCounter.objects.select_for_update().filter(financial_year=fy).first()
    if counter is None:
        try:
            with transaction.atomic():
                InvoiceCounter.objects.create(financial_year=fy, last_number=0)
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            # Another payment created this year's counter first: lock theirs.
        counter = InvoiceCounter.objects.select_for_update().get(financial_year=fy)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def format_number(fy: str, sequence: int) -> str:
    """'MH/26-27/00001' (financial year 2026-27, invoice 1): at most 16 characters, as GST
    rules require. Numbers grow past five digits ('MH/26-27/123456'); a number that would
    not fit is refused, never cut short, since a shortened number could repeat another."""
    number = f"{settings.MASTHEAD_INVOICE_PREFIX}/{fy[2:]}/{sequence:05d}"
    if len(number) > 16:
        raise ValueError(f"Invoice number {number!r} is longer than GST's 16 characters; shorten MASTHEAD_INVOICE_PREFIX.")
    return number


def issue_invoice(entry):
    """The tax invoice for a successful charge in the ledger (inside the charge's transaction)."""
    from masthead.billing.models import Invoice
    from masthead.content.publication import current_publication

    publication = current_publication()
    fy = financial_year(entry.created_at, publication.zone)
    sequence = next_number(fy)
    subscription, gift = entry.subscription, entry.gift
    seller_state = supplier_state(publication.gstin)
    buyer_gstin = subscription.buyer_gstin if subscription else ""
    buyer_state = subscription.buyer_state if subscription else ""
    gst = break_out_gst(entry.amount, inter_state=is_inter_state(buyer_state, seller_state))
    user = subscription.user if subscription else gift.buyer
    period = ""
    if entry.period_start and entry.period_end:
        start = long_date(entry.period_start, publication.zone)
        end = long_date(entry.period_end, publication.zone)
        period = f", {start} to {end}"
    return Invoice.objects.create(
        number=format_number(fy, sequence),
        financial_year=fy,
        sequence=sequence,
        payment=entry,
        subscription=subscription,
        gift=gift,
        user=user,
        issued_at=entry.created_at,
        seller_name=publication.legal_name or publication.name,
        seller_address=publication.address,
        seller_gstin=publication.gstin,
        buyer_name=((user.get_full_name() if user else "") or (gift.buyer_name if gift else "")) or "",
        buyer_email=((user.email if user else "") or (gift.buyer_email if gift else "")) or "",
        buyer_gstin=buyer_gstin,
        buyer_state=buyer_state,
        seller_state=seller_state,
        description=(f"Gift subscription: {entry.plan.name}, {gift.months} months" if gift
                     else f"{entry.plan.name} subscription{period}"),
        currency=entry.currency,
        total=gst.total,
        taxable_value=gst.taxable,
        cgst=gst.cgst,
        sgst=gst.sgst,
        igst=gst.igst,
        gst_rate=gst.rate,
    )
