/**
 * The shape of a catalogue entry, apart from the catalogue (catalogue.ts) that gathers the
 * wording files: each wording file needs the shape, and the catalogue needs each file.
 */

/** The page's sections, in order. */
export const SECTIONS = [
  'Inputs',
  'GitHub ID token',
  'Azure CLI sign-in',
  'Entra ID (AADSTS codes)',
  'Azure OpenAI',
  'Gateways in front of Azure OpenAI',
  'GitHub API',
  'Network',
  'Anything else'
] as const
export type Section = (typeof SECTIONS)[number]

/** What the log shows: the title line, the cause, and the fix after "Fix:". */
export interface Wording {
  readonly title: string
  readonly cause: string
  /** Prose lines, and command or YAML lines indented by two spaces. */
  readonly fix: string
}

interface Case extends Wording {
  /** On the page, for an entry with several cases: when this one is printed. */
  readonly when?: string
}

export interface EntrySpec {
  readonly section: Section
  /** The entry's heading on the page. */
  readonly heading: string
  /** What the page says beyond the printed text (Markdown). */
  readonly about?: string
  /** Run facts shown on the page by value rather than as NAME (an AADSTS code the entry fixes). */
  readonly page?: Values
  readonly cases: Readonly<Record<string, Case>>
}

export type Values = Readonly<Record<string, string | number | undefined>>
