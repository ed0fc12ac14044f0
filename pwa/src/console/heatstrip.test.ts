import { describe, expect, it } from 'vitest'
import { MAX_CELLS, stripCells } from './HeatStrip'

describe('page heat strip', () => {
  it('has one cell from page 1 to the last page shown, unshown pages at zero', () => {
    const cells = stripCells([
      { page: 2, visits: 3 },
      { page: 4, visits: 1 },
    ])
    expect(cells).toEqual([
      { page: 1, visits: 0 },
      { page: 2, visits: 3 },
      { page: 3, visits: 0 },
      { page: 4, visits: 1 },
    ])
  })

  it('is empty without pages and stops at the last drawn cell for huge page numbers', () => {
    expect(stripCells([])).toEqual([])
    const cells = stripCells([{ page: 1, visits: 1 }, { page: 99_999, visits: 1 }])
    expect(cells).toHaveLength(MAX_CELLS)
    expect(cells[0]).toEqual({ page: 1, visits: 1 })
  })
})
