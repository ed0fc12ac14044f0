// Chart.js, loaded only by the dashboard (`import('./charts')`), with only the parts we draw:
// a stacked bar chart of weekly visits per outcome code and a doughnut of the outcome mix;
// a click on a bar or slice opens its visits.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip)

const PALETTE: Record<string, string> = {
  won: '#1b7f3b',
  follow_up: '#2563eb',
  interested: '#0f9d8f',
  objection: '#d97706',
  not_reached: '#8a918f',
  no_interest: '#b42318',
}
const SPARE = ['#7c3aed', '#db2777', '#65a30d', '#0891b2', '#a16207']

export function colorFor(code: string, index: number): string {
  return PALETTE[code] ?? SPARE[index % SPARE.length]!
}

export interface Series {
  code: string
  label: string
  values: number[]
}

function inkColor(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--ink').trim() || '#1b1f1e'
}

/** Called with the bar or slice clicked: its index (week or slice) and its series' index. */
export type Pick = (index: number, series: number) => void

/** Clicks on a bar or slice, with a pointer over them, when the caller wants them. */
function picking(onPick?: Pick) {
  if (!onPick) return {}
  return {
    onClick: (_: unknown, hit: { index: number; datasetIndex: number }[]) => {
      if (hit[0]) onPick(hit[0].index, hit[0].datasetIndex)
    },
    onHover: (event: { native: Event | null }, hit: unknown[]) => {
      const target = event.native?.target as HTMLElement | undefined
      if (target) target.style.cursor = hit.length ? 'pointer' : 'default'
    },
  }
}

export function drawTrend(canvas: HTMLCanvasElement, weeks: string[], series: Series[], onPick?: Pick): Chart {
  const ink = inkColor()
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: weeks,
      datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: colorFor(s.code, i), stack: 'visits' })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...picking(onPick),
      scales: {
        x: { stacked: true, ticks: { color: ink } },
        y: { stacked: true, beginAtZero: true, ticks: { color: ink, precision: 0 } },
      },
      plugins: { legend: { position: 'bottom', labels: { color: ink } } },
    },
  })
}

export function drawMix(canvas: HTMLCanvasElement, slices: { code: string; label: string; count: number }[], onPick?: Pick): Chart {
  return new Chart(canvas, {
    type: 'doughnut',
    data: {
      labels: slices.map((s) => s.label),
      datasets: [{ data: slices.map((s) => s.count), backgroundColor: slices.map((s, i) => colorFor(s.code, i)) }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      ...picking(onPick),
      plugins: { legend: { position: 'right', labels: { color: inkColor() } } },
    },
  })
}

export type { Chart }
