// The customer's share page (/s/{token}): each shared PDF is shown in the page with pdf.js, one
// canvas per page, rendered only near the viewport and scaled to the width of the page.
// The page's own inline script measures the seconds per page: it watches the `[data-page]`
// boxes made here once a section is marked `data-paged`. If anything here fails, the
// server-rendered "Open the PDF" link stays, and the item is measured as a whole.
// Not part of the rep app: its own entry, never precached by the service worker.
import * as pdfjs from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl

type Doc = Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>

/** How far beyond the viewport a page is rendered ahead, and where a far page is let go. */
const AHEAD = '100% 0px'
const MAX_RATIO = 2

interface Drawn {
  canvas: HTMLCanvasElement
  width: number
  task?: pdfjs.RenderTask
}

/** One box per page (sized from the page's shape), a canvas only in the boxes near the viewport. */
async function showPages(doc: Doc, host: HTMLElement): Promise<void> {
  const boxes: HTMLElement[] = []
  const ratios: number[] = [] // height / width of each page; the first page's until drawn
  const drawn = new Map<number, Drawn>()
  const near = new Set<number>()
  let width = host.clientWidth

  const size = (n: number): void => {
    const box = boxes[n - 1]
    if (box) box.style.height = `${Math.round(width * (ratios[n - 1] ?? 1.414))}px`
  }

  const release = (n: number): void => {
    const had = drawn.get(n)
    if (!had) return
    had.task?.cancel()
    had.canvas.remove()
    drawn.delete(n)
  }

  const draw = async (n: number): Promise<void> => {
    const had = drawn.get(n)
    if (had && had.width === width) return
    had?.task?.cancel()
    const canvas = document.createElement('canvas')
    const entry: Drawn = { canvas, width }
    drawn.set(n, entry)
    try {
      const page = await doc.getPage(n)
      if (drawn.get(n) !== entry) return // let go or drawn again meanwhile
      const base = page.getViewport({ scale: 1 })
      ratios[n - 1] = base.height / base.width
      size(n)
      const ratio = Math.min(globalThis.devicePixelRatio || 1, MAX_RATIO)
      const viewport = page.getViewport({ scale: (entry.width / base.width) * ratio })
      canvas.width = Math.floor(viewport.width)
      canvas.height = Math.floor(viewport.height)
      entry.task = page.render({ canvas, viewport })
      await entry.task.promise
      if (drawn.get(n) === entry) boxes[n - 1]?.replaceChildren(canvas)
    } catch (error) {
      if (error instanceof pdfjs.RenderingCancelledException) return
      if (drawn.get(n) === entry) drawn.delete(n)
      console.warn(`page ${n} not shown`, error)
    }
  }

  const first = (await doc.getPage(1)).getViewport({ scale: 1 })
  const total = doc.numPages
  for (let n = 1; n <= total; n++) {
    const box = document.createElement('div')
    box.className = 'page'
    box.dataset.page = String(n)
    box.setAttribute('role', 'img')
    box.setAttribute('aria-label', `Page ${n} of ${total}`)
    boxes.push(box)
    ratios.push(first.height / first.width)
    size(n)
  }
  host.replaceChildren(...boxes)

  const watch = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const n = Number((e.target as HTMLElement).dataset.page)
        if (e.isIntersecting) {
          near.add(n)
          void draw(n)
        } else {
          near.delete(n)
          release(n)
        }
      }
    },
    { rootMargin: AHEAD },
  )
  for (const box of boxes) watch.observe(box)

  new ResizeObserver(() => {
    const now = host.clientWidth
    if (now === 0 || Math.abs(now - width) < 2) return
    width = now
    for (let n = 1; n <= boxes.length; n++) size(n)
    for (const n of near) void draw(n)
  }).observe(host)
}

async function open(section: HTMLElement, host: HTMLElement): Promise<void> {
  const url = host.dataset.pdf
  if (!url) return
  try {
    const doc = await pdfjs.getDocument({ url, isEvalSupported: false, rangeChunkSize: 262_144 }).promise
    await showPages(doc, host)
    section.dataset.paged = '' // from now on the inline script measures pages, not the item
    section.classList.add('paged')
  } catch (error) {
    host.replaceChildren()
    section.classList.add('unread')
    console.warn('PDF not shown in the page', error)
  }
}

/** Opens each PDF when it comes near the viewport, so a page of many items stays light. */
function main(): void {
  document.body.dataset.reader = '' // the inline script now waits for each PDF's pages
  const hosts = document.querySelectorAll<HTMLElement>('[data-item] [data-pdf]')
  const soon = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue
        soon.unobserve(e.target)
        const host = e.target as HTMLElement
        const section = host.closest<HTMLElement>('[data-item]')
        if (section) void open(section, host)
      }
    },
    { rootMargin: '200% 0px' },
  )
  hosts.forEach((host) => soon.observe(host))
}

main()
