// The console's calls to the service. JSON goes through the shared client (CSRF header, typed
// errors); multipart uploads go through XMLHttpRequest so the page can show upload progress.
import { ApiError, CSRF_HEADER, CSRF_VALUE, describeDetail, errorCodeOf, request } from '../api/client'
import { errorText as wordError } from '../i18n/errors'
import type { components } from '../api/schema'

type S = components['schemas']

export type Role = S['UserPublic']['role']
export type CampaignStatus = S['CampaignPublic']['status']
export type Campaign = S['CampaignPublic']
// The confirmation has a default on the server (false): optional here.
export type CampaignInput = Omit<S['CampaignUpdate'], 'confirm_unknown_audience'> & { confirm_unknown_audience?: boolean }
export type AudienceRequest = Partial<S['AudiencePreviewRequest']>
export type AudiencePreview = S['AudiencePreview']
export type Collateral = S['CollateralPublic']
export type CollateralChange = S['CollateralChangePublic']
export type ExpiringCollateral = S['ExpiringCollateral']
export type Lead = S['LeadPublic']
export type LeadUpdate = S['LeadUpdate']
export type LeadPage = S['LeadPage']
export type LeadBulk = S['LeadBulk']
export type BulkAction = S['BulkAction']
export type LeadSort = S['LeadSort']
export type LeadsChanged = S['LeadsChanged']
export type OutcomeCode = S['OutcomeCodePublic']
export type ImportReport = S['ImportReport']
export type ImportProblem = S['ImportProblem']
export type ImportErrorCode = S['ImportErrorCode']
export type Organisation = S['Organisation']
export type Signal = S['SignalPublic']
export type User = S['UserPublic']
export type UserCreate = S['UserCreate']
export type UserUpdate = S['UserUpdate']
export type RepChoice = S['RepChoice']
export type Facets = S['Facets']
export type AuditPage = S['AuditPage']
export type AuditEvent = S['AuditEventPublic']
export type Webhook = S['WebhookPublic']
export type WebhookWithSecret = S['WebhookWithSecret']
export type WebhookDelivery = S['DeliveryPublic']
export type WebhookDeliveryPage = S['DeliveryPage']
export type WebhookEventType = S['EventType']
export type Summary = S['Summary']
export type CollateralFigures = S['CollateralFigures']
export type CollateralInsights = S['CollateralInsights']
export type VisitPage = S['VisitPage']
export type VisitRow = S['VisitRow']
export type PeriodComparison = S['PeriodComparison']
export type RateChange = S['RateChange']
export type LeadHistory = S['LeadHistory']
export type CollateralEngagement = S['CollateralEngagement']

export type Query = Record<string, string | number | boolean | undefined>

export const consoleApi = {
  organisation: () => request<Organisation>('get', '/api/v1/console/organisation'),
  reps: () => request<RepChoice[]>('get', '/api/v1/console/reps'),
  facets: () => request<Facets>('get', '/api/v1/console/facets'),
  markdown: (text: string) => request<{ html: string }>('post', '/api/v1/console/markdown-preview', { text }),

  campaigns: (status?: CampaignStatus) => request<Campaign[]>('get', '/api/v1/campaigns', undefined, { query: { status } }),
  campaign: (id: string) => request<Campaign>('get', `/api/v1/campaigns/${id}`),
  createCampaign: (body: CampaignInput) => request<Campaign>('post', '/api/v1/campaigns', body),
  updateCampaign: (id: string, body: CampaignInput) => request<Campaign>('patch', `/api/v1/campaigns/${id}`, body),
  previewAudience: (body: AudienceRequest) => request<AudiencePreview>('post', '/api/v1/campaigns/audience-preview', body),

  collateral: (campaignId: string, query?: Query) => request<Collateral[]>('get', `/api/v1/campaigns/${campaignId}/collateral`, undefined, { query }),
  updateCollateral: (id: string, body: S['CollateralUpdate']) => request<Collateral>('patch', `/api/v1/collateral/${id}`, body),
  collateralHistory: (id: string) => request<CollateralChange[]>('get', `/api/v1/collateral/${id}/history`),
  expiringCollateral: (days: number) => request<ExpiringCollateral[]>('get', '/api/v1/collateral/expiring', undefined, { query: { within_days: days } }),
  deleteCollateral: (id: string) => request<void>('delete', `/api/v1/collateral/${id}`),

  leads: (query: Query) => request<LeadPage>('get', '/api/v1/leads', undefined, { query }),
  lead: (id: string) => request<Lead>('get', `/api/v1/leads/${id}`),
  updateLead: (id: string, body: LeadUpdate) => request<Lead>('patch', `/api/v1/leads/${id}`, body),
  bulkLeads: (body: LeadBulk) => request<LeadsChanged>('post', '/api/v1/leads/bulk', body),
  outcomeCodes: () => request<OutcomeCode[]>('get', '/api/v1/outcome-codes'),

  signals: (status?: 'open' | 'acknowledged', limit = 100) =>
    request<Signal[]>('get', '/api/v1/signals', undefined, { query: { status, limit } }),
  acknowledge: (id: string, reply: string) => request<Signal>('post', `/api/v1/signals/${id}/acknowledge`, { reply }),

  users: () => request<User[]>('get', '/api/v1/users'),
  createUser: (body: UserCreate) => request<User>('post', '/api/v1/users', body),
  updateUser: (id: string, body: UserUpdate) =>
    request<User>('patch', `/api/v1/users/${id}`, body),
  resetPassword: (id: string, newPassword: string) =>
    request<void>('post', `/api/v1/users/${id}/password`, { new_password: newPassword }),
  audit: (query: Query) => request<AuditPage>('get', '/api/v1/audit', undefined, { query }),

  webhooks: () => request<Webhook[]>('get', '/api/v1/webhooks'),
  webhook: (id: string) => request<Webhook>('get', `/api/v1/webhooks/${id}`),
  createWebhook: (body: S['WebhookCreate']) => request<WebhookWithSecret>('post', '/api/v1/webhooks', body),
  updateWebhook: (id: string, body: S['WebhookUpdate']) => request<Webhook>('patch', `/api/v1/webhooks/${id}`, body),
  deleteWebhook: (id: string) => request<void>('delete', `/api/v1/webhooks/${id}`),
  rotateWebhookSecret: (id: string) => request<WebhookWithSecret>('post', `/api/v1/webhooks/${id}/rotate-secret`),
  webhookDeliveries: (id: string, query: Query) =>
    request<WebhookDeliveryPage>('get', `/api/v1/webhooks/${id}/deliveries`, undefined, { query }),
  resendWebhookDelivery: (id: string, deliveryId: number) =>
    request<WebhookDelivery>('post', `/api/v1/webhooks/${id}/deliveries/${deliveryId}/resend`),

  summary: (query: Query) => request<Summary>('get', '/api/v1/insights/summary', undefined, { query }),
  collateralInsights: (query: Query) => request<CollateralInsights>('get', '/api/v1/insights/collateral', undefined, { query }),
  visits: (query: Query) => request<VisitPage>('get', '/api/v1/insights/visits', undefined, { query }),
  compare: (query: Query) => request<PeriodComparison>('get', '/api/v1/insights/compare', undefined, { query }),
  leadHistory: (id: string, lang: string) => request<LeadHistory>('get', `/api/v1/leads/${id}/history`, undefined, { query: { lang } }),
  engagement: (id: string, query: Query) =>
    request<CollateralEngagement>('get', `/api/v1/insights/collateral/${id}/engagement`, undefined, { query }),
}

/**
 * POSTs a multipart form with XMLHttpRequest (fetch cannot report upload progress).
 * `onProgress` gets 0..1. Non-2xx answers become an ApiError, except when `acceptStatus`
 * lists the status (the CSV import answers 422 with its report).
 */
export function postForm<T>(
  url: string,
  form: FormData,
  onProgress?: (fraction: number) => void,
  acceptStatus: number[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    xhr.setRequestHeader(CSRF_HEADER, CSRF_VALUE)
    xhr.setRequestHeader('Accept', 'application/json')
    if (onProgress) {
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
      })
    }
    xhr.addEventListener('load', () => {
      let body: unknown
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        body = undefined
      }
      if ((xhr.status >= 200 && xhr.status < 300) || acceptStatus.includes(xhr.status)) {
        onProgress?.(1)
        resolve(body as T)
        return
      }
      const { message, fields } = describeDetail((body as { detail?: unknown } | undefined)?.detail)
      reject(new ApiError(xhr.status, message ?? `HTTP ${xhr.status}`, fields, null, errorCodeOf(body)))
    })
    xhr.addEventListener('error', () => reject(new ApiError(0, 'The server could not be reached.')))
    xhr.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')))
    xhr.send(form)
  })
}

/** A failure in the marketer's language (the service's English text is never shown). */
export function errorText(err: unknown): string {
  return wordError(err)
}
