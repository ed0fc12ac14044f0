// Handing text to the rest of the phone: the system's share sheet, or the clipboard.

export type Shared = 'shared' | 'copied' | 'failed' | null

/** Shares through the system's share sheet; where there is none (or it fails), copies. */
export async function shareText(title: string, text: string): Promise<Shared> {
  if (typeof navigator.share === 'function') {
    try {
      await navigator.share({ title, text })
      return 'shared'
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return null // the rep closed the sheet
    }
  }
  try {
    await navigator.clipboard.writeText(text)
    return 'copied'
  } catch {
    return 'failed'
  }
}
