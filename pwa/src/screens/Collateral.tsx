import { useEffect, useRef, useState } from 'preact/hooks'
import { isApiError } from '../api/client'
import { t } from '../i18n'
import { errorText } from '../i18n/errors'
import { getCollateral } from '../offline/content'
import { download, fileBlob, fileUrl, isCached, isNetworkError } from '../offline/files'
import { recordView } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import type { CollateralSync } from '../offline/types'
import { BackIcon } from './icons'
import { useLive } from './live'

const MAX_PAGES = 60

/** Shows one collateral item and records, for the lead, how long and which pages. */
export function Collateral({ user, id, leadId }: { user: SessionUser; id: string; leadId: string | null }) {
  const item = useLive(() => getCollateral(id).then((c) => c ?? null), [id])
  const pages = useRef(new Set<number>())
  const [cached, setCached] = useState<boolean | null>(null)

  // Seconds on screen while the page is visible; recorded when leaving.
  useEffect(() => {
    if (!leadId) return
    let shown = 0
    let since = document.visibilityState === 'visible' ? Date.now() : null
    const onVis = () => {
      if (document.visibilityState === 'visible') since = Date.now()
      else if (since !== null) {
        shown += Date.now() - since
        since = null
        flush()
      }
    }
    const flush = () => {
      const seconds = Math.round(shown / 1000)
      const p = [...pages.current]
      shown = 0
      pages.current = new Set()
      if (seconds > 0 || p.length > 0) void recordView({ userId: user.id, leadId, collateralId: id, seconds: Math.max(seconds, 1), pages: p })
    }
    document.addEventListener('visibilitychange', onVis)
    return () => {
      document.removeEventListener('visibilitychange', onVis)
      if (since !== null) shown += Date.now() - since
      flush()
    }
  }, [id, leadId, user.id])

  useEffect(() => {
    const url = item ? fileUrl(item) : null
    if (url) void isCached(url).then(setCached)
  }, [item])

  if (item === undefined) return <main class="screen" aria-busy="true" />
  const fromLibrary = new URLSearchParams(location.search).get('from') === 'library'
  const back = leadId ? `/lead/${leadId}` : fromLibrary ? '/library' : '/'
  return (
    <main class="screen viewer">
      <header class="bar">
        <a class="button secondary icon-only" href={back} aria-label={t('lead.back')}>
          <BackIcon />
        </a>
        <h1>{item ? item.title : t('collateral.title')}</h1>
      </header>
      {!item && <p>{t('lead.notFound')}</p>}
      {item && (
        <>
          {item.description && <p class="muted">{item.description}</p>}
          {fileUrl(item) && (
            <p class="small">
              {cached ? (
                <span class="pill ok">{t('collateral.offline')}</span>
              ) : (
                <button type="button" class="secondary" onClick={() => void download(fileUrl(item)!).then(() => setCached(true), () => undefined)}>
                  {t('collateral.download')}
                </button>
              )}
            </p>
          )}
          <Body item={item} onPage={(n) => pages.current.add(n)} />
        </>
      )}
    </main>
  )
}

function Body({ item, onPage }: { item: CollateralSync; onPage: (n: number) => void }) {
  const url = fileUrl(item)
  const type = item.content_type ?? ''
  if (!url) {
    return item.url ? (
      <a class="button primary" href={item.url} target="_blank" rel="noopener noreferrer">
        {t('collateral.openLink')}
      </a>
    ) : null
  }
  if (type === 'application/pdf' || item.kind === 'pdf') return <PdfView url={url} onPage={onPage} />
  if (type.startsWith('image/')) return <img class="media" src={url} alt={item.title} />
  if (type.startsWith('video/')) return <video class="media" src={url} controls preload="metadata" playsInline />
  return (
    <a class="button primary" href={url} target="_blank" rel="noopener">
      {item.filename ?? item.title}
    </a>
  )
}

function PdfView({ url, onPage }: { url: string; onPage: (n: number) => void }) {
  const host = useRef<HTMLDivElement>(null)
  const [state, setState] = useState<{ total: number } | { error: string } | null>(null)

  useEffect(() => {
    let cancelled = false
    let observer: IntersectionObserver | null = null
    void (async () => {
      try {
        const [{ openPdf, renderPage }, blob] = await Promise.all([import('./pdf'), fileBlob(url)])
        const doc = await openPdf(await blob.arrayBuffer())
        if (cancelled) return
        const total = Math.min(doc.numPages, MAX_PAGES)
        setState({ total })
        const width = Math.min(host.current!.clientWidth || 360, 900)
        observer = new IntersectionObserver(
          (entries) => {
            for (const e of entries) if (e.isIntersecting) onPage(Number((e.target as HTMLElement).dataset.page))
          },
          { threshold: 0.3 },
        )
        for (let n = 1; n <= total && !cancelled; n++) {
          const canvas = document.createElement('canvas')
          canvas.dataset.page = String(n)
          canvas.setAttribute('role', 'img')
          canvas.setAttribute('aria-label', t('collateral.page', { n, total }))
          host.current!.append(canvas)
          await renderPage(doc, n, canvas, width)
          observer.observe(canvas)
        }
      } catch (err) {
        if (!cancelled) setState({ error: isApiError(err) || isNetworkError(err) ? errorText(err) : t('error.unreadable') })
      }
    })()
    return () => {
      cancelled = true
      observer?.disconnect()
    }
  }, [url])

  return (
    <div>
      {state === null && <p class="muted">{t('collateral.loading')}</p>}
      {state && 'error' in state && (
        <p class="error" role="alert">
          {navigator.onLine ? t('collateral.failed', { detail: state.error }) : t('collateral.notCached')}
        </p>
      )}
      <div class="pdf" ref={host} data-testid="pdf" data-pages={state && 'total' in state ? state.total : undefined} />
    </div>
  )
}
