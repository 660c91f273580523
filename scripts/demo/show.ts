/**
 * What the demo's pull request looks like on GitHub after a run: the summary comment and the
 * review with its inline comments, each under the diff lines it is attached to. Printed for
 * the terminal, and written as an HTML page rendered the way GitHub renders Markdown.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Marked } from 'marked'
import type { ReviewCommentState, RepoState } from '../../__tests__/emulators/github-state.js'

const HIDDEN_COMMENT = /<!--[\s\S]*?-->/g
const bold = (s: string): string => `\x1b[1m${s}\x1b[0m`
const dim = (s: string): string => `\x1b[2m${s}\x1b[0m`
const colour = (line: string): string =>
  line.startsWith('+')
    ? `\x1b[32m${line}\x1b[0m`
    : line.startsWith('-')
      ? `\x1b[31m${line}\x1b[0m`
      : dim(line)

/** Markdown as a reader sees it: hidden markers gone (GitHub does not render HTML comments). */
const visible = (markdown: string): string => markdown.replace(HIDDEN_COMMENT, '').trim()

const indent = (text: string, prefix = '  │ '): string =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n')

/** The last lines of a comment's diff hunk: the lines GitHub shows above it. */
function hunkTail(comment: ReviewCommentState, count = 4): string[] {
  const lines = comment.diffHunk.split('\n').slice(1)
  const span = comment.startLine !== undefined ? comment.line - comment.startLine + 1 : 1
  return lines.slice(-Math.max(count, span))
}

function where(c: ReviewCommentState): string {
  const lines = c.startLine !== undefined ? `lines ${c.startLine}–${c.line}` : `line ${c.line}`
  return `${c.path} ${lines}${c.side === 'LEFT' ? ' (old)' : ''}`
}

export function printPullRequest(repo: RepoState, pullNumber: number): void {
  const summary = repo.issueComments.filter((c) => c.issueNumber === pullNumber)
  for (const comment of summary) {
    console.log(`\n${bold(`💬 ${comment.user.login} commented`)}`)
    console.log(indent(visible(comment.body)))
  }
  for (const review of repo.reviews.filter((r) => r.pullNumber === pullNumber)) {
    console.log(
      `\n${bold(`🔍 ${review.user.login} reviewed (${String(review.event)}) at ${review.commitId.slice(0, 7)}`)}`
    )
    console.log(indent(visible(review.body)))
    for (const c of threadsOf(repo, review.id)) {
      console.log(`\n  ${bold(where(c))}`)
      console.log(indent(hunkTail(c).map(colour).join('\n'), '  ┆ '))
      console.log(indent(visible(c.body)))
      for (const reply of repliesTo(repo, c)) {
        console.log(`\n  ${bold(`↳ ${reply.user.login} replied`)}`)
        console.log(indent(visible(reply.body), '    │ '))
      }
    }
  }
}

/** One review thread: its first comment and the replies under it. */
export function printThread(repo: RepoState, topId: number): void {
  const top = repo.reviewComments.find((c) => c.id === topId)
  if (!top) return
  console.log(`\n  ${bold(where(top))}`)
  console.log(indent(visible(top.body)))
  for (const reply of repliesTo(repo, top)) {
    console.log(`\n  ${bold(`↳ ${reply.user.login} replied`)}`)
    console.log(indent(visible(reply.body), '    │ '))
  }
}

/** The threads a review started (GitHub files each reply under a review of its own). */
function threadsOf(repo: RepoState, reviewId: number): ReviewCommentState[] {
  return repo.reviewComments.filter((c) => c.reviewId === reviewId && c.inReplyToId === undefined)
}

function repliesTo(repo: RepoState, top: ReviewCommentState): ReviewCommentState[] {
  return repo.reviewComments.filter((c) => c.inReplyToId === top.id).sort((a, b) => a.id - b.id)
}

/** The replaced lines and the suggestion, as GitHub's "Suggested change" box shows them. */
function suggestedChange(replaced: string[], suggestion: string): string {
  const row = (cls: string, sign: string, text: string): string =>
    `<div class="${cls}">${sign} ${escapeHtml(text)}</div>`
  return [
    '<div class="suggestion"><div class="suggestion-title">Suggested change</div><pre>',
    ...replaced.map((l) => row('del', '-', l)),
    ...suggestion
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => row('add', '+', l)),
    '</pre></div>'
  ].join('')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => `&#${String(ch.charCodeAt(0))};`)
}

function markdown(replaced: string[] = []): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      code({ text, lang }) {
        return lang === 'suggestion'
          ? suggestedChange(replaced, text)
          : `<pre><code>${escapeHtml(text)}</code></pre>`
      }
    }
  })
}

function diffTable(comment: ReviewCommentState): string {
  const rows = hunkTail(comment).map((line) => {
    const cls = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx'
    return `<div class="${cls}">${escapeHtml(line)}</div>`
  })
  return `<pre class="diff">${rows.join('')}</pre>`
}

const PAGE_CSS = `
body { background: #f6f8fa; margin: 0; padding: 24px; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.pr-title { font-size: 26px; margin: 0 0 4px; font-weight: 400; }
.pr-title .num { color: #59636e; }
.pr-meta { color: #59636e; margin-bottom: 20px; font-size: 14px; }
.timeline { max-width: 900px; }
.box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; margin-bottom: 20px; }
.box-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font-size: 14px; color: #59636e; border-radius: 6px 6px 0 0; }
.box-header b { color: #1f2328; }
.box-body { padding: 16px; }
.thread { border: 1px solid #d1d9e0; border-radius: 6px; margin: 16px; }
.thread-path { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; padding: 8px 12px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; }
pre.diff, .suggestion pre { margin: 0; padding: 0; font-size: 12px; line-height: 20px; background: #fff; }
pre.diff div, .suggestion pre div { padding: 0 12px; white-space: pre-wrap; }
.add { background: #dafbe1; } .del { background: #ffebe9; } .ctx { color: #1f2328; }
.suggestion { border: 1px solid #d1d9e0; border-radius: 6px; margin: 8px 0; overflow: hidden; }
.suggestion-title { font-size: 12px; padding: 6px 12px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; color: #59636e; }
.thread .markdown-body { padding: 12px; border-top: 1px solid #d1d9e0; }
.reply { border-top: 1px solid #d1d9e0; padding: 12px 12px 0; background: #fff; }
.reply .markdown-body { padding: 4px 0 12px; border-top: none; }
.reply-author { font-size: 14px; }
.box.answer .thread { margin: 0; border: none; }
.bot { display: inline-block; border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 6px; font-size: 12px; margin-left: 4px; }
`

/** A self-contained HTML page of the pull request's conversation. */
export function pullRequestHtml(repo: RepoState, pullNumber: number): string {
  const pull = repo.pulls.get(pullNumber)
  const require = createRequire(import.meta.url)
  const githubCss = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'))
  const header = (who: string, what: string): string =>
    `<div class="box-header"><b>${escapeHtml(who)}</b><span class="bot">bot</span> ${what}</div>`
  const parts: string[] = []
  for (const comment of repo.issueComments.filter((c) => c.issueNumber === pullNumber)) {
    parts.push(
      `<div class="box comment">${header(comment.user.login, 'commented')}<div class="box-body markdown-body">${markdown().parse(visible(comment.body)) as string}</div></div>`
    )
  }
  const thread = (c: ReviewCommentState): string => {
    const span = c.startLine !== undefined ? c.line - c.startLine + 1 : 1
    const replaced = c.diffHunk
      .split('\n')
      .slice(1)
      .filter((l) => !l.startsWith('-'))
      .slice(-span)
      .map((l) => l.slice(1))
    const body = markdown(replaced).parse(visible(c.body)) as string
    const replies = repliesTo(repo, c).map(
      (r) =>
        `<div class="reply"><div class="reply-author"><b>${escapeHtml(r.user.login)}</b>${r.user.type === 'Bot' ? '<span class="bot">bot</span>' : ''}</div><div class="markdown-body">${markdown().parse(visible(r.body)) as string}</div></div>`
    )
    return `<div class="thread"><div class="thread-path">${escapeHtml(where(c))}</div>${diffTable(c)}<div class="markdown-body">${body}</div>${replies.join('')}</div>`
  }
  for (const review of repo.reviews.filter((r) => r.pullNumber === pullNumber)) {
    const threads = threadsOf(repo, review.id)
    // A reply's own review holds nothing to show of its own.
    if (threads.length === 0 && review.body === '') continue
    parts.push(
      `<div class="box review">${header(review.user.login, `reviewed at <code>${review.commitId.slice(0, 7)}</code>`)}<div class="box-body markdown-body">${markdown().parse(visible(review.body)) as string}</div>${threads.map(thread).join('')}</div>`
    )
  }
  // Threads with replies again, on their own, for the picture of a conversation in a thread.
  for (const top of repo.reviewComments.filter(
    (c) =>
      c.pullNumber === pullNumber && c.inReplyToId === undefined && repliesTo(repo, c).length > 0
  )) {
    parts.push(`<div class="box answer">${thread(top)}</div>`)
  }
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>#${String(pullNumber)} ${escapeHtml(pull?.title ?? '')}</title>`,
    `<style>${githubCss.toString()}\n${PAGE_CSS}</style></head><body>`,
    `<div class="timeline"><h1 class="pr-title">${escapeHtml(pull?.title ?? '')} <span class="num">#${String(pullNumber)}</span></h1>`,
    `<div class="pr-meta">${escapeHtml(pull?.author ?? '')} wants to merge into <code>${escapeHtml(pull?.baseRef ?? '')}</code> from <code>${escapeHtml(pull?.headRef ?? '')}</code></div>`,
    ...parts,
    '</div>',
    // `#comment`, `#review` or `#answer` in the address shows only those boxes (for the README
    // pictures); without one, the page shows the conversation and leaves out the answer's copy.
    "<script>const only = location.hash.slice(1) || 'comment, .review'; for (const box of document.querySelectorAll('.box')) if (!box.matches('.' + only)) box.style.display = 'none'</script>",
    '</body></html>'
  ].join('\n')
}
