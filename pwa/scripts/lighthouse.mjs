// Lighthouse (mobile: emulated phone, simulated slow 4G and 4x CPU) on pages of the running
// service, as a logged-in user: the session cookie goes along with every request.
//   node scripts/lighthouse.mjs BASE_URL COOKIE [--only=accessibility] [--quick] PATH...
// --quick (the test suite's smoke run): wait at most 5 s for a page to load instead of
// Lighthouse's 45 s, and take no full-page screenshot (no score reads it).
// Prints one JSON object: per page the category scores (0-100), the key metrics and every
// audit that costs points. Chromium: $CHROME_PATH (default /usr/bin/chromium).
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'

const args = process.argv.slice(2)
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const quick = args.includes('--quick')
const [base, cookie, ...paths] = args.filter((a) => !a.startsWith('--'))
if (!base || !cookie || paths.length === 0) {
  console.error('usage: node scripts/lighthouse.mjs BASE_URL COOKIE [--only=accessibility] PATH...')
  process.exit(2)
}
const categories = only ? only.split(',') : ['accessibility', 'performance']
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']

/** The audits of a category that cost points, with what they found. */
function failing(lhr, category) {
  return lhr.categories[category].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1)
    .map((audit) => ({
      id: audit.id,
      title: audit.title,
      score: audit.score,
      value: audit.displayValue ?? '',
      items: (audit.details?.items ?? []).slice(0, 5).map((item) => item.node?.snippet ?? item.url ?? item.node?.selector ?? ''),
    }))
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
})
const pages = []
try {
  for (const path of paths) {
    const result = await lighthouse(new URL(path, base).href, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
      extraHeaders: { Cookie: cookie },
      ...(quick ? { maxWaitForLoad: 5000, disableFullPageScreenshot: true } : {}),
    })
    const lhr = result.lhr
    const page = { path, scores: {}, failing: {}, metrics: {} }
    for (const c of categories) {
      page.scores[c] = Math.round(lhr.categories[c].score * 100)
      page.failing[c] = failing(lhr, c)
    }
    if (categories.includes('performance')) {
      for (const m of METRICS) page.metrics[m] = lhr.audits[m].displayValue
      // what the phone showed: the largest paint's element (a lead's heading, not a login form)
      page.lcpElement = lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? ''
      page.shifted = (lhr.audits['layout-shifts']?.details?.items ?? []).map((i) => i.node?.snippet ?? '')
    }
    page.finalUrl = lhr.finalDisplayedUrl
    pages.push(page)
  }
} finally {
  await chrome.kill()
}
console.log(JSON.stringify({ lighthouse: '12.2.3', pages }))
