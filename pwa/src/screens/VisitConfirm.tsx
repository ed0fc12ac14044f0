// The body of an outcome's confirmation, shown during its Undo window: one more tap adds a
// reason (the code's detail chips), a follow-up's next visit (tomorrow, next week, a date),
// or a note. Ignoring it costs nothing; each choice amends the outcome exactly once
// (`amendOutcome`, `planVisit`) and keeps the confirmation open a while longer.
import { useRef, useState } from 'preact/hooks'
import { chipLabel, t } from '../i18n'
import { dayOf } from '../offline/content'
import { amendOutcome, planVisit } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import type { LeadSync, OutcomeCodeSync } from '../offline/types'
import { formatDay } from './format'
import { extendToast, hideToast, holdToast } from './Toast'

/** The outcome code whose confirmation offers the next visit's date. */
export const FOLLOW_UP = 'follow_up'
/** A planned visit's time of day when the lead had none (the phone's clock). */
export const PLAN_HOUR = 9

/** The day `n` days after `base`, at midnight on the phone's clock. */
export function daysAfter(base: Date, n: number): Date {
  return new Date(base.getFullYear(), base.getMonth(), base.getDate() + n)
}

/** A visit on `day` at the time of day of the visit planned before, else at 09:00. */
export function visitAt(day: Date, plannedBefore: string | null | undefined): Date {
  const at = new Date(day)
  const before = plannedBefore ? new Date(plannedBefore) : null
  at.setHours(before ? before.getHours() : PLAN_HOUR, before ? before.getMinutes() : 0, 0, 0)
  return at
}

function fromDayInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null
}

const NoteIcon = () => (
  <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
    <path d="M4 20h4L19 9l-4-4L4 16v4zm11-15 4 4" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
  </svg>
)
const CalendarIcon = () => (
  <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
    <path d="M4 6h16v14H4zM4 10h16M8 3v5M16 3v5" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
  </svg>
)

/** What the confirmation did to the lead's next visit, for its Undo (`unplanVisit`). */
export interface Replanned {
  /** The visit planned before the tap. */
  before: string | null
  /** A day was chosen. */
  changed: boolean
}

interface Props {
  user: SessionUser
  outcomeId: string
  lead: LeadSync
  code: OutcomeCodeSync | undefined
  replanned: Replanned
}

export function VisitConfirm({ user, outcomeId, lead, code, replanned }: Props) {
  const chosen = useRef<string[]>([])
  const [chips, setChips] = useState<string[]>([])
  const plannedBefore = replanned.before
  const [planned, setPlanned] = useState<string | null>(null)
  const [picking, setPicking] = useState(false)
  const [noteOpen, setNoteOpen] = useState(false)
  const [note, setNote] = useState('')
  const [noteSaved, setNoteSaved] = useState(false)
  const allowed = code?.details ?? []
  const today = new Date()
  const choices = [
    { key: 'tomorrow', label: t('confirm.tomorrow'), day: daysAfter(today, 1) },
    { key: 'week', label: t('confirm.nextWeek'), day: daysAfter(today, 7) },
  ]

  function toggle(chip: string) {
    const was = chosen.current
    chosen.current = was.includes(chip) ? was.filter((c) => c !== chip) : [...was, chip]
    setChips(chosen.current)
    extendToast()
    void amendOutcome(user.id, outcomeId, { details: chosen.current })
  }

  function plan(day: Date) {
    const ymd = dayOf(day)
    setPlanned(ymd)
    setPicking(false)
    holdToast(false)
    replanned.changed = true
    void planVisit(user.id, lead.id, ymd, visitAt(day, plannedBefore).toISOString())
  }

  function openField(open: (v: boolean) => void) {
    open(true)
    holdToast(true)
  }

  function saveNote() {
    setNoteOpen(false)
    holdToast(false)
    void amendOutcome(user.id, outcomeId, { note: note.trim() }).then(() => setNoteSaved(true))
  }

  return (
    <div class="confirm">
      {allowed.length > 0 && (
        <div class="chips" role="group" aria-label={t('confirm.why')}>
          {allowed.map((d) => (
            <button key={d} type="button" class={chips.includes(d) ? 'chip on' : 'chip'} aria-pressed={chips.includes(d)} data-chip={d} onClick={() => toggle(d)}>
              {chipLabel(d)}
            </button>
          ))}
        </div>
      )}
      {code?.code === FOLLOW_UP && (
        <div class="chips" role="group" aria-label={t('confirm.nextVisit')}>
          {choices.map((c) => (
            <button key={c.key} type="button" class={planned === dayOf(c.day) ? 'chip on' : 'chip'} aria-pressed={planned === dayOf(c.day)} data-plan={c.key} onClick={() => plan(c.day)}>
              {c.label} · {formatDay(c.day)}
            </button>
          ))}
          {picking ? (
            <label class="confirm-date">
              {t('confirm.pickDate')}
              <input type="date" min={dayOf(daysAfter(today, 1))} max="2099-12-31" onChange={(e) => {
                const day = fromDayInput((e.currentTarget as HTMLInputElement).value)
                if (day) plan(day)
              }} />
            </label>
          ) : (
            <button type="button" class={planned && !choices.some((c) => dayOf(c.day) === planned) ? 'chip on' : 'chip'} data-plan="pick" onClick={() => openField(setPicking)}>
              <CalendarIcon />
              {planned && !choices.some((c) => dayOf(c.day) === planned) ? formatDay(new Date(`${planned}T12:00:00`)) : t('confirm.pickDate')}
            </button>
          )}
        </div>
      )}
      {noteOpen ? (
        <div class="confirm-note">
          <label for="confirm-note">{t('confirm.noteLabel')}</label>
          <textarea id="confirm-note" rows={2} maxLength={2000} value={note} autoFocus onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="button" class="primary" onClick={saveNote}>
            {t('confirm.saveNote')}
          </button>
        </div>
      ) : (
        <div class="confirm-row">
          <button type="button" class="toast-action" onClick={() => openField(setNoteOpen)}>
            <NoteIcon />
            {noteSaved ? t('confirm.noteSaved') : t('confirm.note')}
          </button>
          <button type="button" class="toast-action" onClick={hideToast}>
            {t('confirm.done')}
          </button>
        </div>
      )}
    </div>
  )
}
