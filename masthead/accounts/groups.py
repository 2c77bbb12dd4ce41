"""Group access: organisations whose verified e-mail domains or IP ranges carry benefits.

The directory of organisations (domains, networks, dates, benefits) is parsed once per
process and kept under the accounts version (masthead.core.cache), so an anonymous
reader costs no query; saving or deleting an Organisation bumps that version, and every
process rereads on its next request. With no organisation holding IP ranges the IP check
is a no-op.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from masthead.access.benefits import Benefit
from masthead.access.network import client_ip
from masthead.accounts.ads import NAMESPACE, TTL
from masthead.core import cache, clock
from masthead.core.dates import long_date
from masthead.content.publication import current_publication
from masthead.core.db import is_unique_violation, vendor


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    domains: frozenset[str]
    networks: tuple
    benefits: frozenset[Benefit]
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    seat_limit: int | None

    def is_open(self, now: dt.datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


@dataclass(frozen=True)
class Directory:
    groups: tuple[Group, ...] = ()
    has_domains: bool = False
    has_networks: bool = False
    by_domain: dict = field(default_factory=dict)
    # (ip version, prefix length) -> {network address as int: [groups]}: a lookup per
    # distinct prefix length instead of a scan of every range.
    by_prefix: dict = field(default_factory=dict)


def directory() -> Directory:
    """Every active organisation, parsed once per process per change."""
    return cache.remember(NAMESPACE, "organisations", _load_directory, ttl=TTL, local=True)


def _load_directory() -> Directory:
    from masthead.accounts.models import Organisation

    groups = []
    by_domain: dict[str, list[Group]] = {}
    by_prefix: dict[tuple[int, int], dict[int, list[Group]]] = {}
    for org in Organisation.objects.filter(is_active=True):
        try:
            networks = tuple(org.networks())
        except ValueError:
            networks = ()  # the admin refuses bad ranges; an old bad row must not break pages
        group = Group(
            id=org.id,
            name=org.name,
            domains=frozenset(org.domains()),
            networks=networks,
            benefits=frozenset(org.benefit_set()),
            starts_at=org.starts_at,
            ends_at=org.ends_at,
            seat_limit=org.seat_limit,
        )
        groups.append(group)
        for domain in group.domains:
            by_domain.setdefault(domain, []).append(group)
        for network in networks:
            table = by_prefix.setdefault((network.version, network.prefixlen), {})
            table.setdefault(int(network.network_address), []).append(group)
    return Directory(
        groups=tuple(groups),
        has_domains=bool(by_domain),
        has_networks=bool(by_prefix),
        by_domain=by_domain,
        by_prefix=by_prefix,
    )


def groups_by_ip(ip: str | None, *, now: dt.datetime) -> list[Group]:
    """Every open organisation whose ranges hold the address (no query)."""
    found = directory()
    if not ip or not found.has_networks:
        return []
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return []
    bits = address.max_prefixlen
    value = int(address)
    matched: list[Group] = []
    for (version, prefixlen), table in found.by_prefix.items():
        if version != address.version:
            continue
        shift = bits - prefixlen
        matched += [group for group in table.get((value >> shift) << shift, ()) if group.is_open(now)]
    return matched


def benefits_by_ip(ip: str | None, *, now: dt.datetime) -> set[Benefit]:
    """Benefits of every open organisation whose ranges hold the address (no query)."""
    benefits: set[Benefit] = set()
    for group in groups_by_ip(ip, now=now):
        benefits |= group.benefits
    return benefits


def address_variant(request) -> str | None:
    """What an anonymous page varies by here: the benefits the reader's address carries
    (None when no organisation holds IP ranges, so no page can vary by address)."""
    if not directory().has_networks:
        return None
    return cache.stable_key(frozenset(b.value for b in benefits_by_ip(client_ip(request), now=clock.now())))


def groups_by_domain(user, *, now: dt.datetime) -> list[Group]:
    """Open organisations at the user's verified e-mail domains where they hold (or now take) a seat."""
    found = directory()
    if not found.has_domains:
        return []
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    matched: list[Group] = []
    for email in emails:
        domain = email.rpartition("@")[2].lower()
        for group in found.by_domain.get(domain, ()):
            if group.is_open(now) and take_seat(group, user, email, now=now):
                matched.append(group)
    return matched


def benefits_by_domain(user, *, now: dt.datetime) -> set[Benefit]:
    """Benefits from organisations at the user's verified e-mail domains, taking a seat if free."""
    benefits: set[Benefit] = set()
    for group in groups_by_domain(user, now=now):
        benefits |= group.benefits
    return benefits


def take_seat(group: Group, user, email: str, *, now: dt.datetime) -> bool:
    """True when the user holds (or now takes) a seat; beyond the limit, record a refusal."""
    from masthead.accounts.models import Organisation, OrganisationMember

    existing = OrganisationMember.objects.filter(organisation_id=group.id, user=user).only("status").first()
    if existing is not None:
        if existing.status == OrganisationMember.Status.MEMBER:
            return True
        if group.seat_limit is not None:
            # Still refused unless a seat was freed (or the limit raised) since.
            seats = OrganisationMember.objects.filter(
                organisation_id=group.id, status=OrganisationMember.Status.MEMBER
            ).count()
            if seats >= group.seat_limit:
                return False
    try:
        with transaction.atomic():
            # Lock the organisation so two readers cannot both take the last seat.
            orgs = Organisation.objects.filter(pk=group.id)
            if vendor() == "postgresql":
                orgs = orgs.select_for_update()
            org = orgs.first()
            if org is None:
                return False
            members = OrganisationMember.objects.filter(organisation=org, status=OrganisationMember.Status.MEMBER)
            full = org.seat_limit is not None and members.count() >= org.seat_limit
            status = OrganisationMember.Status.REFUSED if full else OrganisationMember.Status.MEMBER
            note = f"Seat limit of {org.seat_limit} reached on {long_date(now, current_publication().zone)}" if full else ""
            OrganisationMember.objects.update_or_create(
                organisation=org,
                user=user,
                defaults={"email": email, "status": status, "joined_at": now, "note": note},
            )
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        # A parallel request of the same reader recorded the row first: read its answer.
        return OrganisationMember.objects.filter(
            organisation_id=group.id, user=user, status=OrganisationMember.Status.MEMBER
        ).exists()
    return status == OrganisationMember.Status.MEMBER


def seats_taken(organisation_id: int) -> int:
    from masthead.accounts.models import OrganisationMember

    return OrganisationMember.objects.filter(
        organisation_id=organisation_id, status=OrganisationMember.Status.MEMBER
    ).count()

