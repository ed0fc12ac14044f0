// Small building blocks shared by the console screens.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { consoleApi, errorText, type Facets, type RepChoice, type Campaign, type Organisation } from './api'
import { ct } from './i18n'

export interface Async<T> {
  data: T | undefined
  error: string | null
  loading: boolean
  reload: () => void
}

/** Runs `load` whenever `deps` change; the newest answer wins. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  })
  const [tick, setTick] = useState(0)
  const seq = useRef(0)
  useEffect(() => {
    const mine = ++seq.current
    setState((s) => ({ ...s, loading: true, error: null }))
    load().then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (err) => mine === seq.current && setState((s) => ({ ...s, error: errorText(err), loading: false })),
    )
  }, [...deps, tick])
  return { ...state, reload: () => setTick((n) => n + 1) }
}

/** Shows loading / error around content. */
export function Loadable<T>({ state, children }: { state: Async<T>; children: (data: T) => ComponentChildren }) {
  if (state.error) return <p class="error" role="alert">{ct('common.error', { detail: state.error })}</p>
  if (state.data === undefined) return <p class="muted" aria-busy="true">{ct('common.loading')}</p>
  return <>{children(state.data)}</>
}

// Lookups every screen needs; fetched once per page load.
let repsPromise: Promise<RepChoice[]> | null = null
let facetsPromise: Promise<Facets> | null = null
let campaignsPromise: Promise<Campaign[]> | null = null
let organisationPromise: Promise<Organisation> | null = null
export const lookups = {
  organisation: () =>
    (organisationPromise ??= consoleApi.organisation().catch((e) => ((organisationPromise = null), Promise.reject(e)))),
  reps: () => (repsPromise ??= consoleApi.reps().catch((e) => ((repsPromise = null), Promise.reject(e)))),
  facets: () => (facetsPromise ??= consoleApi.facets().catch((e) => ((facetsPromise = null), Promise.reject(e)))),
  campaigns: () => (campaignsPromise ??= consoleApi.campaigns().catch((e) => ((campaignsPromise = null), Promise.reject(e)))),
  forgetCampaigns: () => {
    campaignsPromise = null
  },
}

export function useLookups() {
  return useAsync(() => Promise.all([lookups.reps(), lookups.facets(), lookups.campaigns()]), [])
}

/** The organisation time zone (IANA name), or undefined while it loads. */
export function useZone(): string | undefined {
  return useAsync(() => lookups.organisation(), []).data?.timezone
}

/** The line beside every field or file whose times may come without an offset. */
export function ZoneNote({ zone, id }: { zone: string | undefined; id?: string }) {
  if (!zone) return null
  return (
    <p class="muted" id={id} data-testid="zone-note">
      {ct('zone.note', { zone })}
    </p>
  )
}

interface SelectProps {
  id: string
  label: string
  value: string
  options: { value: string; label: string }[]
  onChange: (value: string) => void
  allLabel?: string
}

/** A labelled select with an "All" entry (empty value). */
export function FilterSelect({ id, label, value, options, onChange, allLabel }: SelectProps) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{allLabel ?? ct('common.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}

export const toOptions = (values: string[]) => values.map((v) => ({ value: v, label: v }))

/** Markdown textarea with a live preview of what a phone will show (rendered by the server). */
export function MarkdownEditor({ id, label, value, onInput, previewLabel }: { id: string; label: string; value: string; onInput: (v: string) => void; previewLabel?: string }) {
  const [html, setHtml] = useState('')
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => {
      consoleApi.markdown(value).then(
        (r) => {
          setHtml(r.html)
          setFailed(false)
        },
        () => setFailed(true),
      )
    }, 300)
    return () => clearTimeout(timer)
  }, [value])
  return (
    <div class="md-editor">
      <div class="field">
        <label for={id}>{label}</label>
        <textarea id={id} name={id} rows={12} value={value} maxLength={20000} onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <div class="field">
        <span class="label">{previewLabel ?? ct('common.preview')}</span>
        {/* The server sanitises this HTML (allow-list) before it is returned. */}
        <div class={`md-preview${failed ? ' stale' : ''}`} data-testid={`${id}-preview`} dangerouslySetInnerHTML={{ __html: html }} />
      </div>
    </div>
  )
}

export function Pager({ offset, limit, total, onPage }: { offset: number; limit: number; total: number; onPage: (offset: number) => void }) {
  if (total === 0) return null
  return (
    <nav class="pager" aria-label="pagination">
      <button type="button" class="secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        {ct('common.prev')}
      </button>
      <span>{ct('common.pageOf', { from: offset + 1, to: Math.min(offset + limit, total), total })}</span>
      <button type="button" class="secondary" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        {ct('common.next')}
      </button>
    </nav>
  )
}

export const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
