// A campaign's collateral: current items with preview links, upload (with progress) or a link,
// and "new version" (the upload names the item it replaces).
import { useRef, useState } from 'preact/hooks'
import { consoleApi, errorText, postForm, type Collateral } from '../api'
import { ct, fmtInt } from '../i18n'
import { Loadable, useAsync } from '../ui'
import { addFreshness, FreshnessBadge, FreshnessInputs, freshnessOf, ExpiringNote, ItemDetails, TagList } from './CollateralFreshness'
import { UsageCell, useUsage } from './CollateralUsage'
import { CounterAnswers } from './CounterAnswers'
import { ShareDownloadToggle } from './CollateralSharing'

function Preview({ item }: { item: Collateral }) {
  if (item.kind === 'image' && item.file_url) return <img class="thumb" src={item.file_url} alt="" loading="lazy" />
  const target = item.file_url ?? item.url
  if (!target) return null
  return (
    <a href={target} target="_blank" rel="noopener noreferrer">
      {ct('collateral.open')}
    </a>
  )
}

function UploadForm({ campaignId, replaces, onDone, onCancel }: { campaignId: string; replaces: Collateral | null; onDone: () => void; onCancel?: () => void }) {
  const file = useRef<HTMLInputElement>(null)
  const [title, setTitle] = useState(replaces?.title ?? '')
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState(replaces?.description ?? '')
  const [segments, setSegments] = useState(replaces?.segments.join(', ') ?? '')
  const [freshness, setFreshness] = useState(freshnessOf(replaces))
  const [progress, setProgress] = useState<number | null>(null)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const prefix = replaces ? `v-${replaces.id.slice(0, 8)}` : 'new'

  async function submit(e: Event) {
    e.preventDefault()
    const chosen = file.current?.files?.[0]
    if (!chosen && !url.trim()) {
      setMessage({ text: ct('collateral.needFileOrUrl'), error: true })
      return
    }
    const form = new FormData()
    form.set('title', title.trim())
    if (description) form.set('description', description)
    if (segments.trim()) form.set('segments', segments)
    addFreshness(form, freshness)
    if (replaces) form.set('replaces', replaces.id)
    if (chosen) form.set('file', chosen)
    else form.set('url', url.trim())
    setMessage(null)
    setProgress(0)
    try {
      await postForm<Collateral>(`/api/v1/campaigns/${campaignId}/collateral`, form, setProgress)
      setMessage({ text: ct('collateral.uploaded'), error: false })
      setTitle('')
      setUrl('')
      if (file.current) file.current.value = ''
      onDone()
    } catch (err) {
      setMessage({ text: errorText(err), error: true })
    } finally {
      setProgress(null)
    }
  }

  return (
    <form class="upload" onSubmit={submit}>
      <h3>{replaces ? ct('collateral.newVersion', { title: replaces.title }) : ct('collateral.add')}</h3>
      <div class="grid2">
        <div class="field">
          <label for={`${prefix}-title`}>{ct('collateral.itemTitle')}</label>
          <input id={`${prefix}-title`} type="text" required maxLength={200} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for={`${prefix}-segments`}>{ct('collateral.segments')}</label>
          <input id={`${prefix}-segments`} type="text" placeholder={ct('common.commaHint')} value={segments} onInput={(e) => setSegments((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for={`${prefix}-file`}>{ct('collateral.file')}</label>
          <input id={`${prefix}-file`} ref={file} type="file" accept="application/pdf,image/png,image/jpeg,image/webp,video/mp4" />
        </div>
        <div class="field">
          <label for={`${prefix}-url`}>{ct('collateral.url')}</label>
          <input id={`${prefix}-url`} type="url" maxLength={2000} placeholder="https://" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
        </div>
      </div>
      <div class="field">
        <label for={`${prefix}-desc`}>{ct('collateral.description')}</label>
        <input id={`${prefix}-desc`} type="text" maxLength={2000} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <FreshnessInputs prefix={prefix} value={freshness} onChange={setFreshness} />
      {progress !== null && (
        <div class="progress">
          <progress max={1} value={progress} aria-label={ct('collateral.uploading', { pct: Math.round(progress * 100) })} />
          <span>{ct('collateral.uploading', { pct: Math.round(progress * 100) })}</span>
        </div>
      )}
      <p class={message?.error ? 'error' : 'ok'} role={message?.error ? 'alert' : 'status'}>
        {message?.text}
      </p>
      <div class="actions">
        <button type="submit" class="primary" disabled={progress !== null}>
          {ct('collateral.upload')}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {ct('common.cancel')}
          </button>
        )}
      </div>
    </form>
  )
}

export function CollateralPanel({ campaignId }: { campaignId: string }) {
  const [q, setQ] = useState('')
  const items = useAsync(() => consoleApi.collateral(campaignId, q.trim() ? { q: q.trim() } : undefined), [campaignId, q])
  const usage = useUsage(campaignId)
  const [replacing, setReplacing] = useState<Collateral | null>(null)
  const [details, setDetails] = useState<Collateral | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function remove(item: Collateral) {
    try {
      await consoleApi.deleteCollateral(item.id)
      items.reload()
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <section class="panel" aria-labelledby="collateral-h">
      <h2 id="collateral-h">{ct('collateral.title')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="search-row">
        <input type="search" aria-label={ct('fresh.search')} placeholder={ct('fresh.search')} maxLength={200} value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {items.data && <ExpiringNote items={items.data} />}
      <Loadable state={items}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">{ct('common.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="collateral">
                <thead>
                  <tr>
                    <th>{ct('col.title')}</th>
                    <th>{ct('col.kind')}</th>
                    <th class="num">{ct('col.version')}</th>
                    <th>{ct('common.preview')}</th>
                    <th>{ct('col.usage')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((item) => (
                    <tr key={item.id}>
                      <td>
                        {item.title}
                        {item.size != null && <span class="muted"> · {fmtInt(Math.ceil(item.size / 1024))} KB</span>}
                        <CounterAnswers item={item} />
                        <FreshnessBadge item={item} />
                        <TagList tags={item.tags} />
                        <ShareDownloadToggle item={item} />
                      </td>
                      <td>{ct(`collateral.kind.${item.kind}`)}</td>
                      <td class="num">v{item.version}</td>
                      <td>
                        <Preview item={item} />
                      </td>
                      <UsageCell id={item.id} campaignId={campaignId} usage={usage} />
                      <td class="row-actions">
                        <button type="button" class="secondary small" onClick={() => setReplacing(item)}>
                          {ct('collateral.replace')}
                        </button>
                        <button type="button" class="secondary small" aria-expanded={details?.id === item.id} onClick={() => setDetails(details?.id === item.id ? null : item)}>
                          {ct('fresh.details')}
                        </button>
                        <button type="button" class="link small" onClick={() => remove(item)}>
                          {ct('collateral.delete')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loadable>
      {details && (
        <ItemDetails
          key={details.id}
          item={details}
          onSaved={items.reload}
        />
      )}
      {replacing && (
        <UploadForm
          key={replacing.id}
          campaignId={campaignId}
          replaces={replacing}
          onDone={() => {
            setReplacing(null)
            items.reload()
          }}
          onCancel={() => setReplacing(null)}
        />
      )}
      <UploadForm campaignId={campaignId} replaces={null} onDone={items.reload} />
    </section>
  )
}
