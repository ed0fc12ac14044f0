// Why an item is on the lead's brief: "Said at last visit: Price" (the objection it answers).
import { chipLabel, t } from '../i18n'
import { reasonFor, saidAtLastVisit } from '../offline/counters'
import type { LeadSync } from '../offline/types'
import { formatDate } from './format'

export function CounterReason({ lead, id }: { lead: LeadSync; id: string }) {
  const reason = reasonFor(lead, id)
  if (!reason) return null
  const objection = chipLabel(reason.objection)
  const text = saidAtLastVisit(reason, lead.history) ? t('lead.saidLastVisit', { objection }) : t('lead.saidOn', { objection, date: formatDate(`${reason.said_on}T12:00:00`) })
  return (
    <span class="reason muted" data-testid="counter-reason">
      {text}
    </span>
  )
}
