// Usage of each collateral item beside it on the campaign page (the insights' default period,
// the last twelve months), with the way to its engagement screen.
import { consoleApi, type CollateralFigures } from '../api'
import { ct, fmtInt } from '../i18n'
import { useAsync } from '../ui'
import { engagementHref } from './CollateralEngagement'

export type Usage = Map<string, CollateralFigures>

/** The campaign's items' figures by id; empty while loading or when the figures failed. */
export function useUsage(campaignId: string): Usage {
  const state = useAsync(() => consoleApi.collateralInsights({ campaign_id: campaignId }), [campaignId])
  return new Map((state.data?.items ?? []).map((i) => [i.collateral_id, i]))
}

export function UsageCell({ id, campaignId, usage }: { id: string; campaignId: string; usage: Usage }) {
  const row = usage.get(id)
  return (
    <td class="usage" data-testid="usage">
      {row && row.viewed_visits > 0 ? (
        <>
          <span data-shown={row.viewed_visits}>{ct('usage.shown', { n: fmtInt(row.viewed_visits) })}</span>
          {row.median_seconds != null && <span class="muted"> · {ct('usage.median', { s: row.median_seconds })}</span>}
          <span class="muted"> · {ct('usage.thumbs', { up: fmtInt(row.fit_up), down: fmtInt(row.fit_down) })}</span>
        </>
      ) : (
        <span class="muted" data-shown="0">
          {ct('usage.notShown')}
        </span>
      )}{' '}
      <a href={engagementHref(id, { campaign_id: campaignId })}>{ct('usage.open')}</a>
    </td>
  )
}
