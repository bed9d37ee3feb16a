"""Finance CSV exports (landing.md): support costs and billing adjustments.

* `finance/support_costs/support_costs_<YYYY-MM>.csv` - `month_start, group_id, amount,
  currency`: what each (not deleted) Zendesk support group cost that month (its agents,
  tooling), in USD.
* `finance/billing_adjustments/billing_adjustments_<YYYY-MM>.csv` - `adjustment_id,
  contract_id, month_start, amount, currency, reason`: what finance credited each
  contract for that month, `amount` positive (credited to the customer) in the
  contract's currency. `reason` is `sla_credit` for service credits, else `goodwill`
  or `billing_correction`.

The SLA credits approximate kpi-definitions.md §6 from the same story the warehouse
will read: downtime = the union of the `major_outage` periods of the contract's covered
services' Statuspage components, minus each service's own scheduled maintenance, minus
incidents listed as SLA exclusions, cut in the contract's months (its time zone, only
the days in force); the tier's uptime band plus the support-SLA credits (breached
first replies on the organization's urgent/high tickets), capped, prorated by the days
each contract version was in force. Finance books most of them; a few contract-months
are missing (finance forgot them) and one is booked with a slightly different amount,
so the quarterly reconciliation has something to find.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from orchestration.samples.statuspage import SpIncident
from orchestration.samples.support import (
    Contract,
    ContractRow,
    Support,
    local_date,
    local_midnight,
)
from orchestration.samples.tickets import Ticket
from orchestration.samples.world import World

COSTS_FOLDER = "finance/support_costs"
ADJUSTMENTS_FOLDER = "finance/billing_adjustments"
COST_COLUMNS = ("month_start", "group_id", "amount", "currency")
ADJUSTMENT_COLUMNS = ("adjustment_id", "contract_id", "month_start", "amount", "currency",
                      "reason")  # fmt: skip
MONTHS = tuple(date(2026, month, 1) for month in range(1, 7))
_AGENT_MONTHLY_COST = {1: 6200, 2: 8100, 3: 10400}  # USD per agent and month, by tier
DOWNTIME_STATUSES = frozenset(("major_outage",))
# tier -> ((uptime below, credit %), ...), support credit % per breached reply, cap %
SLA_TIERS: dict[str, tuple[tuple[tuple[Decimal, int], ...], int, int]] = {
    "Gold": ((
        (Decimal("99.95"), 10), (Decimal("99.9"), 10), (Decimal("99.5"), 25),
        (Decimal("99.0"), 25), (Decimal("95.0"), 50)), 2, 50),
    "Silver": ((
        (Decimal("99.9"), 10), (Decimal("99.5"), 10), (Decimal("99.0"), 25),
        (Decimal("95.0"), 35)), 1, 35),
    "Bronze": (((Decimal("99.5"), 5), (Decimal("99.0"), 10), (Decimal("95.0"), 20)), 0, 20),
}  # fmt: skip


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def write_support_costs(support: Support, out_dir: Path, rng: random.Random) -> dict[str, int]:
    folder = out_dir / COSTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    groups = sorted((g for g in support.groups if not g.deleted), key=lambda g: g.id)
    for month in MONTHS:
        rows = []
        for group in groups:
            base = len(group.agents) * _AGENT_MONTHLY_COST[group.tier]
            tooling = 55 * len(group.agents) + 400
            amount = Decimal(base * rng.uniform(0.95, 1.06) + tooling)
            rows.append((month.isoformat(), str(group.id), f"{_cents(amount):.2f}", "USD"))
        with (folder / f"support_costs_{month:%Y-%m}.csv").open(
            "w", encoding="utf-8", newline=""
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COST_COLUMNS)
            writer.writerows(rows)
        written += len(rows)
    return {COSTS_FOLDER: written}


# --- service credits --------------------------------------------------------------------


Interval = tuple[int, int]


def _union(intervals: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _minus(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    out = []
    for start, end in intervals:
        pieces = [(start, end)]
        for hole_start, hole_end in holes:
            next_pieces = []
            for a, b in pieces:
                if hole_end <= a or hole_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < hole_start:
                    next_pieces.append((a, hole_start))
                if hole_end < b:
                    next_pieces.append((hole_end, b))
            pieces = next_pieces
        out.extend(pieces)
    return out


def _clip(intervals: list[Interval], low: int, high: int) -> list[Interval]:
    return [(max(a, low), min(b, high)) for a, b in intervals if b > low and a < high]


def _length(intervals: list[Interval]) -> int:
    return sum(b - a for a, b in _union(intervals))


def outages_by_service(world: World, incidents: list[SpIncident]) -> dict[str, list[Interval]]:
    """Downtime periods per catalog service (SLA-excluded incidents left out)."""
    service_of = {
        component: service.service_id
        for service in world.services
        for component in service.statuspage_component_ids
    }
    out: dict[str, list[Interval]] = {}
    for incident in incidents:
        if incident.exclusion is not None:
            continue
        resolved = incident.resolved_at()
        down_since: dict[str, int] = {}
        for update in incident.updates:
            for component, _old, new in update.transitions:
                if new in DOWNTIME_STATUSES:
                    down_since.setdefault(component, update.at)
                elif component in down_since:
                    start = down_since.pop(component)
                    out.setdefault(service_of.get(component, ""), []).append((start, update.at))
        for component, start in down_since.items():
            if resolved is not None:
                out.setdefault(service_of.get(component, ""), []).append((start, resolved))
    return out


def maintenance_by_service(world: World, maintenances: list[SpIncident]) -> dict:
    service_of = {
        component: service.service_id
        for service in world.services
        for component in service.statuspage_component_ids
    }
    out: dict[str, list[Interval]] = {}
    for maintenance in maintenances:
        if maintenance.scheduled_for is None or maintenance.scheduled_until is None:
            continue
        for component in maintenance.components:
            service_id = service_of.get(component)
            if service_id is not None:
                out.setdefault(service_id, []).append(
                    (maintenance.scheduled_for, maintenance.scheduled_until)
                )
    return out


def _band(tier: str, uptime: Decimal) -> int:
    bands, _, _ = SLA_TIERS[tier]
    pct = 0
    for below, credit in bands:
        if uptime < below:
            pct = credit
    return pct


def credit_for(
    contract: Contract,
    month: date,
    outages: dict[str, list[Interval]],
    maintenance: dict[str, list[Interval]],
    breaches: dict[tuple[int, date], int],
) -> Decimal:
    """The approximate credit of one contract-month (module docstring)."""
    zone = contract.zone
    next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_low, month_high = local_midnight(month, zone), local_midnight(next_month, zone)
    low = max(month_low, contract.starts_at())
    ends = contract.ends_at()
    high = min(month_high, ends) if ends is not None else month_high
    if high <= low:
        return Decimal(0)
    days_in_month = (next_month - month).days
    # the versions in force during the month, with their days
    versions: list[tuple[ContractRow, int]] = []
    day = month
    while day < next_month:
        row = contract.version_on(day)
        if row is not None:
            if versions and versions[-1][0] is row:
                versions[-1] = (row, versions[-1][1] + 1)
            else:
                versions.append((row, 1))
        day += timedelta(days=1)
    covered = sorted({s for row, _ in versions for s in row.service_ids})
    down: list[Interval] = []
    maint: list[Interval] = []
    for service_id in covered:
        own_maintenance = maintenance.get(service_id, [])
        down += _minus(_clip(outages.get(service_id, []), low, high), own_maintenance)
        maint += _clip(own_maintenance, low, high)
    down = _union(down)
    maint = _minus(_union(maint), down)
    in_force = high - low - _length(maint)
    uptime = Decimal(100) * (1 - Decimal(_length(down)) / Decimal(max(1, in_force)))
    organization_breaches = breaches.get((contract.first.organization_id, month), 0)
    amount = Decimal(0)
    for row, days in versions:
        _, per_breach, cap = SLA_TIERS[row.tier]
        pct = min(cap, _band(row.tier, uptime) + per_breach * organization_breaches)
        amount += row.monthly_fee * pct / 100 * days / days_in_month
    return _cents(amount)


def write_billing_adjustments(
    world: World,
    support: Support,
    tickets: list[Ticket],
    statuspage_incidents: list[SpIncident],
    maintenances: list[SpIncident],
    out_dir: Path,
    rng: random.Random,
) -> dict[str, int]:
    outages = outages_by_service(world, statuspage_incidents)
    maintenance = maintenance_by_service(world, maintenances)
    breaches: dict[tuple[int, date], int] = {}
    by_org = {org.id: org for org in support.organizations}
    contract_zone = {
        c.first.organization_id: c.zone for c in support.contracts
    }  # the organization's contract zone (one at a time)
    for ticket in tickets:
        if ticket.organization is None or ticket.organization.id not in by_org:
            continue
        zone = contract_zone.get(ticket.organization.id, "UTC")
        for result in ticket.sla_results:
            if (result.metric == "first_reply_time" and result.breached
                    and result.priority in ("urgent", "high")):  # fmt: skip
                day = local_date(result.started_at, zone).replace(day=1)
                key = (ticket.organization.id, day)
                breaches[key] = breaches.get(key, 0) + 1
    folder = out_dir / ADJUSTMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    number = 0
    skewed = False
    for month in MONTHS:
        rows = []
        for contract in sorted(support.contracts, key=lambda c: c.contract_id):
            amount = credit_for(contract, month, outages, maintenance, breaches)
            if amount <= 0 or rng.random() < 0.08:  # a few are never booked
                continue
            if not skewed and amount > 100 and rng.random() < 0.2:
                amount = _cents(amount * Decimal("1.01"))  # booked off by a rounding slip
                skewed = True
            number += 1
            rows.append((f"ADJ-{number:06d}", contract.contract_id, month.isoformat(),
                         f"{amount:.2f}", contract.first.currency, "sla_credit"))  # fmt: skip
        others = max(1, len(support.contracts) // 20)
        for contract in rng.sample(support.contracts, k=min(others, len(support.contracts))):
            version = contract.version_on(month)
            if version is None:
                continue
            number += 1
            reason = rng.choice(("goodwill", "billing_correction"))
            amount = _cents(version.monthly_fee * Decimal("0.05"))
            rows.append((f"ADJ-{number:06d}", contract.contract_id, month.isoformat(),
                         f"{amount:.2f}", contract.first.currency, reason))  # fmt: skip
        with (folder / f"billing_adjustments_{month:%Y-%m}.csv").open(
            "w", encoding="utf-8", newline=""
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ADJUSTMENT_COLUMNS)
            writer.writerows(rows)
        written += len(rows)
    return {ADJUSTMENTS_FOLDER: written}
