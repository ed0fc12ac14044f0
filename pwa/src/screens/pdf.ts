// pdf.js, loaded only when a PDF is opened (its own chunk, precached for offline use).
// The worker is a bundled asset URL, so it runs under the CSP (no blob, no eval).
import * as pdfjs from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl

export type PdfDocument = Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>

export async function openPdf(data: ArrayBuffer): Promise<PdfDocument> {
  return pdfjs.getDocument({ data: new Uint8Array(data), isEvalSupported: false, disableFontFace: false }).promise
}

/** Renders page `n` (1-based) into the canvas at the given CSS width. */
export async function renderPage(doc: PdfDocument, n: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void> {
  const page = await doc.getPage(n)
  const base = page.getViewport({ scale: 1 })
  const scale = cssWidth / base.width
  const ratio = Math.min(globalThis.devicePixelRatio || 1, 2)
  const viewport = page.getViewport({ scale: scale * ratio })
  canvas.width = Math.floor(viewport.width)
  canvas.height = Math.floor(viewport.height)
  canvas.style.width = `${Math.floor(viewport.width / ratio)}px`
  canvas.style.height = `${Math.floor(viewport.height / ratio)}px`
  await page.render({ canvas, viewport }).promise
}
