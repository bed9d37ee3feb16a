-- SLA attainment (spec §5): month_start (the month the clock started, reporting time
-- zone) × customer_id × sla_metric × priority. customer_id is fct_tickets' customer (the
-- contract of the ticket's organization, else `zendesk-org:<id>`, else `none`); SLAs of
-- tickets of non-production services are left out. measured = SLAs with a verdict of
-- ours, breached = those with is_breached, attainment_pct = 100 × (measured − breached)
-- / measured.
with

sla_events as (

    select * from {{ ref('fct_sla_events') }}

),

tickets as (

    select * from {{ ref('fct_tickets') }}

),

attach_customers as (

    select
        sla_events.month_start,
        sla_events.sla_metric,
        sla_events.is_breached,
        coalesce(
            tickets.customer_id,
            case when sla_events.source = 'zendesk' then 'zendesk-org:' || sla_events.organization_id end,
            'none'
        ) as customer_id,
        coalesce(sla_events.priority, 'none') as priority
    from sla_events
    left join tickets
        on tickets.ticket_id = sla_events.source || ':' || sla_events.ticket_id
    where coalesce(tickets.is_production, true) and sla_events.is_breached is not null

),

aggregate_months as (

    select
        month_start,
        customer_id,
        sla_metric,
        priority,
        count(*) as measured,
        sum(case when is_breached then 1 else 0 end) as breached
    from attach_customers
    group by month_start, customer_id, sla_metric, priority

),

final as (

    select
        month_start,
        customer_id,
        sla_metric,
        priority,
        cast(measured as integer) as measured,
        cast(breached as integer) as breached,
        {{ pct('(measured - breached)', 'measured') }} as attainment_pct
    from aggregate_months

)

select * from final
