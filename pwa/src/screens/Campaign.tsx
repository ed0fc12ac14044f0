import { t, type MessageKey } from '../i18n'
import { allCollateral, allLeads, getCampaign } from '../offline/content'
import { formatDate } from './format'
import { BackIcon } from './icons'
import { useLive } from './live'

/** One campaign, as a notification about it opens it: what it says, its material, and the rep's leads in it. */
export function Campaign({ id }: { id: string }) {
  const data = useLive(async () => {
    const [campaign, items, leads] = await Promise.all([getCampaign(id), allCollateral(), allLeads()])
    return {
      campaign,
      collateral: items.filter((c) => c.campaign_id === id),
      leads: leads.filter((l) => l.campaign_id === id).sort((a, b) => a.company.localeCompare(b.company)),
    }
  }, [id])
  if (!data) return <main class="screen" aria-busy="true" />
  const { campaign, collateral, leads } = data
  if (!campaign) {
    return (
      <main class="screen">
        <header class="bar">
          <a class="button secondary" href="/">
            {t('lead.back')}
          </a>
        </header>
        <p>{t('campaign.notFound')}</p>
      </main>
    )
  }
  const dates = [campaign.starts_on, campaign.ends_on].map((d) => (d ? formatDate(d) : '')).join(' – ')
  return (
    <main class="screen campaign">
      <header class="bar">
        <a class="button secondary" href="/" aria-label={t('lead.back')}>
          <BackIcon />
        </a>
        <h1>{campaign.name}</h1>
      </header>
      <section aria-labelledby="why-h">
        {campaign.key_message && <p id="why-h"><strong>{campaign.key_message}</strong></p>}
        {dates.trim() !== '–' && <p class="muted">{dates}</p>}
        {campaign.talking_points_html && (
          <>
            <h2>{t('lead.talkingPoints')}</h2>
            {/* Sanitised by the server (the only HTML we render). */}
            <div class="html" dangerouslySetInnerHTML={{ __html: campaign.talking_points_html }} />
          </>
        )}
      </section>
      {collateral.length > 0 && (
        <section aria-labelledby="coll-h">
          <h2 id="coll-h">{t('campaign.collateral')}</h2>
          <ul class="collateral">
            {collateral.map((c) => (
              <li key={c.id}>
                <a class="coll-link" href={`/collateral/${c.id}`}>
                  <span class="kind">{t(`collateralKind.${c.kind}` as MessageKey)}</span> {c.title}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="leads-h">
        <h2 id="leads-h">{t('campaign.leads')}</h2>
        {leads.length === 0 && <p class="muted">{t('campaign.noLeads')}</p>}
        <ul class="collateral">
          {leads.map((l) => (
            <li key={l.id}>
              <a class="coll-link" href={`/lead/${l.id}`}>
                {l.company}
                {l.city && <span class="muted"> · {l.city}</span>}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
