// The console's calls to the service. JSON goes through the shared client (CSRF header, typed
// errors); multipart uploads go through XMLHttpRequest so the page can show upload progress.
import { ApiError, CSRF_HEADER, CSRF_VALUE, describeDetail, request } from '../api/client'

export type Role = 'rep' | 'marketing' | 'admin'
export type CampaignStatus = 'draft' | 'live' | 'archived'

export interface Campaign {
  id: string
  name: string
  key_message: string
  talking_points_md: string
  talking_points_html: string
  starts_on: string | null
  ends_on: string | null
  status: CampaignStatus
  audience_all: boolean
  audience_regions: string[]
  audience_teams: string[]
  created_at: string
  updated_at: string
}
export type CampaignInput = Partial<Omit<Campaign, 'id' | 'talking_points_html' | 'created_at' | 'updated_at'>>

export interface Collateral {
  id: string
  campaign_id: string
  kind: 'pdf' | 'image' | 'video' | 'link'
  title: string
  description: string
  segments: string[]
  url: string | null
  sha256: string | null
  content_type: string | null
  size: number | null
  filename: string | null
  version: number
  replaces_id: string | null
  replaced_by_id: string | null
  deleted_at: string | null
  is_current: boolean
  file_url: string | null
}

export interface Lead {
  id: string
  external_ref: string | null
  company: string
  contact_name: string
  contact_role: string
  phone: string
  email: string
  street: string
  postal_code: string
  city: string
  country: string
  region: string
  segment: string
  campaign_id: string | null
  rep_id: string
  planned_visit_at: string | null
  priority: number
  brief_md: string
  brief_html: string
  recommended_collateral_ids: string[]
}
export interface LeadPage {
  items: Lead[]
  total: number
  limit: number
  offset: number
}
export interface ImportReport {
  dry_run: boolean
  written: boolean
  rows: number
  created: number
  updated: number
  unchanged: number
  skipped: number
  encoding: string
  delimiter: string
  ignored_columns: string[]
  errors: { line: number; column: string; reason: string }[]
}

export interface Ref {
  id: string
  name: string
}
export interface Signal {
  id: string
  kind: string
  text: string
  rep: Ref
  lead: Ref | null
  campaign: Ref | null
  created_at: string
  status: 'open' | 'acknowledged'
  acknowledged_at: string | null
  acknowledged_by: Ref | null
  reply: string
}

export interface User {
  id: string
  email: string
  name: string
  role: Role
  region: string
  team: string
  is_active: boolean
  language: string
}

export interface RepChoice {
  id: string
  name: string
  email: string
  region: string
  team: string
  is_active: boolean
}
export interface Facets {
  regions: string[]
  segments: string[]
  teams: string[]
}

export interface CodeCount {
  code: string
  label: string
  count: number
  share: number | null
}
export interface Figures {
  visits: number
  unique_leads: number
  leads_assigned: number
  coverage: number | null
  conversion: number | null
  follow_up_rate: number | null
  codes: CodeCount[]
}
export interface CampaignFigures extends Figures {
  campaign_id: string | null
  campaign_name: string
}
export interface Summary {
  totals: Figures
  trend: { week: string; counts: Record<string, number> }[]
  campaigns: CampaignFigures[]
  top_objections: { chip: string; count: number }[]
}
export interface CollateralFigures {
  collateral_id: string
  title: string
  kind: string
  campaign_id: string | null
  campaign_name: string
  is_current: boolean
  viewed_visits: number
  conversion_viewed: number | null
  visits_not_viewed: number
  conversion_not_viewed: number | null
  lift: number | null
  median_seconds: number | null
  pages: { page: number; visits: number }[]
  fit_up: number
  fit_down: number
}
export interface CollateralInsights {
  items: CollateralFigures[]
  dead_stock: { collateral_id: string; title: string; kind: string; campaign_id: string; campaign_name: string }[]
}

export type Query = Record<string, string | number | boolean | undefined>

export const consoleApi = {
  reps: () => request<RepChoice[]>('get', '/api/v1/console/reps'),
  facets: () => request<Facets>('get', '/api/v1/console/facets'),
  markdown: (text: string) => request<{ html: string }>('post', '/api/v1/console/markdown-preview', { text }),

  campaigns: (status?: CampaignStatus) => request<Campaign[]>('get', '/api/v1/campaigns', undefined, { query: { status } }),
  campaign: (id: string) => request<Campaign>('get', `/api/v1/campaigns/${id}`),
  createCampaign: (body: CampaignInput) => request<Campaign>('post', '/api/v1/campaigns', body),
  updateCampaign: (id: string, body: CampaignInput) => request<Campaign>('patch', `/api/v1/campaigns/${id}`, body),

  collateral: (campaignId: string) => request<Collateral[]>('get', `/api/v1/campaigns/${campaignId}/collateral`),
  deleteCollateral: (id: string) => request<void>('delete', `/api/v1/collateral/${id}`),

  leads: (query: Query) => request<LeadPage>('get', '/api/v1/leads', undefined, { query }),
  lead: (id: string) => request<Lead>('get', `/api/v1/leads/${id}`),
  updateLead: (id: string, body: Partial<Lead>) => request<Lead>('patch', `/api/v1/leads/${id}`, body),

  signals: (status?: 'open' | 'acknowledged', limit = 100) =>
    request<Signal[]>('get', '/api/v1/signals', undefined, { query: { status, limit } }),
  acknowledge: (id: string, reply: string) => request<Signal>('post', `/api/v1/signals/${id}/acknowledge`, { reply }),

  users: () => request<User[]>('get', '/api/v1/users'),
  createUser: (body: { email: string; name: string; role: Role; password: string; region: string; team: string }) =>
    request<User>('post', '/api/v1/users', body),
  updateUser: (id: string, body: Partial<Pick<User, 'name' | 'role' | 'is_active' | 'region' | 'team'>>) =>
    request<User>('patch', `/api/v1/users/${id}`, body),

  summary: (query: Query) => request<Summary>('get', '/api/v1/insights/summary', undefined, { query }),
  collateralInsights: (query: Query) => request<CollateralInsights>('get', '/api/v1/insights/collateral', undefined, { query }),
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
      reject(new ApiError(xhr.status, message ?? `HTTP ${xhr.status}`, fields))
    })
    xhr.addEventListener('error', () => reject(new ApiError(0, 'The server could not be reached.')))
    xhr.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')))
    xhr.send(form)
  })
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return String((err as Error)?.message ?? err)
}
