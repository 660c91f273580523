/**
 * Text for people: numbers and counted nouns, short SHAs, clipped text, HTML-escaped cells, and
 * Markdown without its HTML comments (our markers, people's hidden notes).
 */

/** "1,557": a number as log lines and summaries write it. */
export const thousands = (n: number): string => n.toLocaleString('en-US')

/** "1 file", "3 files", "1,557 tokens": a count with its noun. */
export const count = (n: number, noun: string, plural = `${noun}s`): string =>
  `${thousands(n)} ${n === 1 ? noun : plural}`

/** The 7-character abbreviation GitHub shows for a commit. */
export const shortSha = (sha: string): string => sha.slice(0, 7)

/** At most `max` characters, the last of them `…` when the text was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  // Never between the two halves of a surrogate pair.
  const end = max - 1
  const code = text.charCodeAt(end - 1)
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end)}…`
}

/** Text for an HTML context (a job summary cell): it renders as written. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * `text` with each HTML comment replaced by `by(comment)` (by default removed). A comment ends as
 * CommonMark ends one: at the first `-->` after `<!--`, so `<!-->` and `<!--->` are whole
 * comments; an unclosed `<!--` is left as it is.
 */
export function replaceHtmlComments(
  text: string,
  by: (comment: string) => string = () => ''
): string {
  let out = ''
  let at = 0
  for (let start = text.indexOf('<!--'); start !== -1; start = text.indexOf('<!--', at)) {
    const end = text.indexOf('-->', start + 2)
    if (end === -1) break
    out += text.slice(at, start) + by(text.slice(start, end + 3))
    at = end + 3
  }
  return out + text.slice(at)
}
