// Which objections (detail chips of the outcome codes) a collateral item answers. A visit that
// logs one of them recommends the item on that lead's brief, with the reason. A chip saves on tap.
import { useEffect, useState } from 'preact/hooks'
import { request } from '../../api/client'
import { chipLabel } from '../../i18n'
import { consoleApi, errorText, type Collateral } from '../api'
import { ct } from '../i18n'

let known: Promise<string[]> | null = null

/** Every chip of any outcome code, read once per page. */
function knownChips(): Promise<string[]> {
  known ??= consoleApi.outcomeCodes().then(
    (codes) => [...new Set(codes.flatMap((c) => c.details))],
    (err: unknown) => {
      known = null
      throw err
    },
  )
  return known
}

export function CounterAnswers({ item }: { item: Collateral }) {
  const [answers, setAnswers] = useState<string[]>(item.answers)
  const [open, setOpen] = useState(false)
  const [chips, setChips] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (open) knownChips().then(setChips, (err: unknown) => setError(errorText(err)))
  }, [open])

  async function toggle(chip: string) {
    const next = answers.includes(chip) ? answers.filter((c) => c !== chip) : [...answers, chip]
    try {
      const saved = await request<Collateral>('patch', `/api/v1/collateral/${item.id}`, { answers: next })
      setAnswers(saved.answers)
      setError(null)
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <div class="answers" data-testid="answers">
      <span class="muted small">{answers.length > 0 ? ct('counters.answers', { chips: answers.map((c) => chipLabel(c)).join(', ') }) : ct('counters.answersNone')}</span>{' '}
      <button type="button" class="link small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {ct('counters.edit', { title: item.title })}
      </button>
      {open && (
        <div class="answer-chips" role="group" aria-label={ct('counters.pick', { title: item.title })}>
          {chips.map((chip) => (
            <button key={chip} type="button" class={answers.includes(chip) ? 'chip on' : 'chip'} aria-pressed={answers.includes(chip)} data-chip={chip} onClick={() => void toggle(chip)}>
              {chipLabel(chip)}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
