/**
 * Token counts with the model's own tokenizer (o200k_base: gpt-4o, gpt-4.1, the o-series and
 * gpt-5). Its tables are the largest part of the bundle, so they load on first need
 * (`loadTokenizer`), after the network work has started: `mode: check` and skipped events
 * never pay for them.
 */
type Encoding = typeof import('gpt-tokenizer/encoding/o200k_base')

let encoding: Encoding | undefined

export async function loadTokenizer(): Promise<void> {
  encoding ??= await import('gpt-tokenizer/encoding/o200k_base')
}

function loaded(): Encoding {
  if (!encoding) throw new Error('Token counting before loadTokenizer() finished')
  return encoding
}

// Diffs may contain `<|endoftext|>` and friends (tokenizer code, docs); the API reads them as
// plain text, and the tokenizer must too instead of throwing.
const PLAIN = { disallowedSpecial: new Set<string>() }

export function countTokens(text: string): number {
  return loaded().countTokens(text, PLAIN)
}
