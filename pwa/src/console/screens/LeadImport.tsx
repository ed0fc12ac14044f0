// CSV import: a dry run first lists every bad row (the spreadsheet's row number, company,
// customer number, column, reason in the marketer's language); only then import.
import { useRef, useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { errorText, postForm, type ImportReport } from '../api'
import { ct } from '../i18n'
import { href } from '../nav'
import { problemText } from '../problems'
import { useZone, ZoneNote } from '../ui'

async function send(file: File, dryRun: boolean): Promise<ImportReport> {
  const form = new FormData()
  form.set('file', file)
  // 422 carries the report too (bad rows, nothing written).
  return postForm<ImportReport>(`/api/v1/leads/import?dry_run=${dryRun}`, form, undefined, [422])
}

export function LeadImport() {
  useLanguage()
  const zone = useZone()
  const input = useRef<HTMLInputElement>(null)
  const [file, setFile] = useState<File | null>(null)
  const [report, setReport] = useState<ImportReport | null>(null)
  const [busy, setBusy] = useState<'check' | 'import' | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function run(dryRun: boolean) {
    if (!file) return
    setBusy(dryRun ? 'check' : 'import')
    setError(null)
    try {
      setReport(await send(file, dryRun))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(null)
    }
  }

  const ok = report && report.errors.length === 0
  return (
    <div>
      <div class="page-head">
        <h1>{ct('import.title')}</h1>
        <a href={href('/leads')}>{ct('common.back')}</a>
      </div>
      <form
        class="panel form"
        onSubmit={(e) => {
          e.preventDefault()
          void run(true)
        }}
      >
        <p class="muted">{ct('import.help')}</p>
        <ZoneNote zone={zone} />
        <div class="field">
          <label for="imp-file">{ct('import.file')}</label>
          <input
            ref={input}
            id="imp-file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)
              setReport(null)
            }}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={!file || busy !== null}>
            {busy === 'check' ? ct('import.checking') : ct('import.check')}
          </button>
          {report?.dry_run && ok && (
            <button type="button" class="primary" disabled={busy !== null} onClick={() => run(false)}>
              {busy === 'import' ? ct('import.running') : ct('import.run', { n: report.rows })}
            </button>
          )}
        </div>
        {error && <p class="error" role="alert">{error}</p>}
      </form>
      {report && (
        <section class="panel" aria-live="polite" data-testid="import-report">
          <p>{ct('import.rows', { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged })}</p>
          {report.ignored_columns.length > 0 && <p class="muted">{ct('import.ignored', { cols: report.ignored_columns.join(', ') })}</p>}
          {report.written ? (
            <p class="ok" role="status">{ct('import.done', { created: report.created, updated: report.updated })}</p>
          ) : report.errors.length === 0 ? (
            <p class="ok" role="status">{ct('import.ok')}</p>
          ) : (
            <>
              <p class="error" role="alert">{ct('import.problems', { n: report.error_count })}</p>
              <div class="table-wrap">
                <table data-testid="import-errors">
                  <thead>
                    <tr>
                      <th class="num">{ct('import.row')}</th>
                      <th>{ct('import.company')}</th>
                      <th>{ct('import.ref')}</th>
                      <th>{ct('import.column')}</th>
                      <th>{ct('import.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.errors.map((p, i) => (
                      <tr key={i}>
                        <td class="num">{p.row}</td>
                        <td>{p.company || ct('common.none')}</td>
                        <td>{p.external_ref || ct('common.none')}</td>
                        <td>{p.column || ct('common.none')}</td>
                        <td>{problemText(p)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  )
}
