// An import problem in the marketer's language: the server sends a stable code with details,
// the console words it (the English `message` is for API users and for codes it does not know).
import type { ImportErrorCode, ImportProblem } from './api'
import { ct, type ConsoleKey } from './i18n'
import { en } from './i18n/en'

export const PROBLEM_KEYS: Record<ImportErrorCode, ConsoleKey> = {
  empty_file: 'import.err.empty_file',
  missing_column: 'import.err.missing_column',
  duplicate_column: 'import.err.duplicate_column',
  too_many_fields: 'import.err.too_many_fields',
  required: 'import.err.required',
  too_long: 'import.err.too_long',
  unknown_rep: 'import.err.unknown_rep',
  unknown_campaign: 'import.err.unknown_campaign',
  ambiguous_campaign: 'import.err.ambiguous_campaign',
  bad_priority: 'import.err.bad_priority',
  bad_date: 'import.err.bad_date',
  ambiguous_date: 'import.err.ambiguous_date',
  nonexistent_time: 'import.err.nonexistent_time',
  duplicate_ref: 'import.err.duplicate_ref',
  bad_character: 'import.err.bad_character',
  date_out_of_range: 'import.err.date_out_of_range',
}

export function problemText(problem: ImportProblem): string {
  const key = PROBLEM_KEYS[problem.code] as ConsoleKey | undefined
  if (!key || !(key in en)) return problem.message
  return ct(key, { ...problem.params, column: problem.column, value: problem.value })
}
