// Which leads the marketer picked: single rows, a shift-click range on the page, or every lead
// matching the filter across all pages (then the server resolves the filter, and the count the
// confirmation named guards against a selection that changed meanwhile).

export interface Selection {
  ids: ReadonlySet<string>
  /** every lead matching the current filter, on every page */
  allMatching: boolean
  /** the row last clicked without shift: one end of a shift-click range */
  anchor: string | null
}

export const NOTHING: Selection = { ids: new Set(), allMatching: false, anchor: null }

/** A click on a row's checkbox: with shift, every row from the anchor to it takes its state. */
export function click(sel: Selection, pageIds: readonly string[], id: string, on: boolean, shift: boolean): Selection {
  const ids = startingFrom(sel, pageIds)
  const from = shift && sel.anchor ? pageIds.indexOf(sel.anchor) : -1
  const to = pageIds.indexOf(id)
  const range = from >= 0 && to >= 0 ? pageIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id]
  for (const r of range) {
    if (on) ids.add(r)
    else ids.delete(r)
  }
  return { ids, allMatching: false, anchor: id }
}

/** The header's checkbox: the whole page in or out. */
export function page(sel: Selection, pageIds: readonly string[], on: boolean): Selection {
  const ids = startingFrom(sel, pageIds)
  for (const id of pageIds) {
    if (on) ids.add(id)
    else ids.delete(id)
  }
  return { ids, allMatching: false, anchor: null }
}

/** Leaving "all matching" by a click keeps what the marketer sees ticked: this page. */
function startingFrom(sel: Selection, pageIds: readonly string[]): Set<string> {
  return new Set(sel.allMatching ? pageIds : sel.ids)
}

export function allMatching(): Selection {
  return { ids: new Set(), allMatching: true, anchor: null }
}

/** How many leads an action would touch. */
export function count(sel: Selection, total: number): number {
  return sel.allMatching ? total : sel.ids.size
}

export function isPicked(sel: Selection, id: string): boolean {
  return sel.allMatching || sel.ids.has(id)
}
