/**
 * The model in `npm run demo`: a scripted stand-in that answers the demo pull request the way
 * a careful reviewer would. It reads the diff the action really sent and cites only lines it
 * was shown (by their line numbers), so what lands on GitHub depends on the action's own
 * planning, anchoring and incremental logic, as with a real model.
 */
import type { ChatRequest, Responder } from '../../__tests__/emulators/azure-openai.js'

interface ShownLine {
  line: number
  added: boolean
  text: string
}

/** The RIGHT-side lines of each file in a prompt, by path. */
function shownLines(prompt: string): Map<string, ShownLine[]> {
  const files = new Map<string, ShownLine[]>()
  let current: ShownLine[] | undefined
  for (const row of prompt.split('\n')) {
    const heading = /^## (\S+)/.exec(row)
    if (heading?.[1]) {
      current = files.get(heading[1]) ?? []
      files.set(heading[1], current)
      continue
    }
    // `12+code` (added) or `12 code` (unchanged): RIGHT-side lines.
    const cited = /^(\d+)([+ ])(.*)$/.exec(row)
    if (current && cited) {
      current.push({ line: Number(cited[1]), added: cited[2] === '+', text: cited[3] ?? '' })
    }
  }
  return files
}

interface Rule {
  path: string
  /** The added line the finding is about. */
  at: RegExp
  /** First line of the range a suggestion replaces, when it spans several. */
  from?: RegExp
  severity: 'critical' | 'major' | 'minor' | 'nit'
  title: string
  body: string
  suggestion?: string
}

const RULES: Rule[] = [
  {
    path: 'src/payments/capture.ts',
    at: /idempotencyKey: randomUUID\(\)/,
    from: /const response = await withRetry\(/,
    severity: 'critical',
    title: 'A retried capture can charge the customer twice',
    body: 'The idempotency key is created inside the retried function, so every attempt sends a new one. When the gateway captured the payment but the answer was lost (a timeout, a 503 from its proxy), the retry is a second, distinct capture. Create the key once, before `withRetry`, and send the same key on every attempt.',
    suggestion: [
      '  const idempotencyKey = randomUUID()',
      '  const response = await withRetry(',
      '    () =>',
      '      gateway.capture({',
      '        order: request.orderId,',
      '        amount: request.amountCents,',
      '        currency: request.currency,',
      '        idempotencyKey'
    ].join('\n')
  },
  {
    path: 'src/payments/capture.ts',
    at: /card: response\.card/,
    severity: 'major',
    title: 'Card data written to the application log',
    body: '`response.card` goes to the log with every capture. Whatever the gateway puts there (masked PAN, expiry, holder name), card data in logs brings the whole log pipeline into PCI scope. The capture id is enough to trace a payment.',
    suggestion: "  logger.info('captured', { orderId: request.orderId, captureId: response.id })"
  },
  {
    path: 'src/payments/retry.ts',
    at: /attempt <= options\.attempts/,
    severity: 'major',
    title: 'One attempt too many',
    body: '`attempts` is documented as the total including the first call, but `<=` makes `attempts + 1` calls: four captures for the default of three.',
    suggestion: '  for (let attempt = 0; attempt < options.attempts; attempt++) {'
  },
  {
    path: 'src/payments/retry.ts',
    at: /^\s*await sleep\(options\.baseDelayMs/,
    severity: 'minor',
    title: 'Sleeps after the last failure',
    body: 'When the final attempt fails, the loop still waits (1.6 s with the defaults) before throwing, delaying the error for nothing. Wait only when another attempt follows.',
    suggestion:
      '      if (attempt + 1 < options.attempts) await sleep(options.baseDelayMs * 2 ** attempt)'
  },
  {
    path: 'src/config.ts',
    at: /Number\(process\.env\.PAYMENT_RETRIES\) \|\| 3/,
    severity: 'minor',
    title: '`PAYMENT_RETRIES=0` is silently replaced by 3',
    body: '`|| 3` turns 0, a typo or any non-number into 3, so retries cannot be switched off and a misconfiguration goes unnoticed. Parse the value and fail at start-up when it is not a positive integer.'
  },
  {
    path: 'test/retry.test.ts',
    at: /toHaveBeenCalledTimes\(2\)/,
    severity: 'nit',
    title: 'Only the success path is tested',
    body: 'A case where every attempt fails, asserting that `fn` was called exactly `attempts` times and the last error is thrown, would have caught the extra attempt in `withRetry`.'
  }
]

const CHANGES: Record<string, string> = {
  'src/payments/capture.ts':
    'Wraps the gateway capture in `withRetry` with the attempt count from settings; logs the card returned by the gateway.',
  'src/payments/retry.ts':
    'New `withRetry` helper: calls a function until it succeeds, with exponential backoff from `baseDelayMs`.',
  'src/config.ts': 'Adds `paymentRetries`, read from `PAYMENT_RETRIES` (default 3).',
  'test/retry.test.ts': 'Tests that `withRetry` returns the first success after a failure.'
}

const OVERVIEW =
  'Payment captures are now retried: a new `withRetry` helper with exponential backoff (200 ms, doubling) wraps the gateway call in `capturePayment`, and the number of attempts comes from `PAYMENT_RETRIES`. Worth a close look before merging: every retry sends a new idempotency key, which can capture the same payment twice.'

function findings(prompt: string): Record<string, unknown>[] {
  const files = shownLines(prompt)
  return RULES.flatMap((rule) => {
    const lines = files.get(rule.path) ?? []
    const at = lines.find((l) => l.added && rule.at.test(l.text))
    if (!at) return []
    const from = rule.from ? lines.find((l) => rule.from?.test(l.text)) : undefined
    return [
      {
        path: rule.path,
        line: at.line,
        start_line: from && from.line < at.line ? from.line : null,
        side: 'RIGHT',
        severity: rule.severity,
        title: rule.title,
        body: rule.body,
        suggestion: rule.suggestion ?? null
      }
    ]
  })
}

/** What the request's schema asks for. */
function wanted(request: ChatRequest): string[] {
  const format = request.body.response_format
  const schema = format?.type === 'json_schema' ? format.json_schema?.schema : undefined
  return Object.keys((schema as { properties?: object } | undefined)?.properties ?? {})
}

/**
 * The answer to the demo's question in a review thread, written for what the prompt showed: the
 * thread, and the head file around the line (`36:  logger.info…`).
 */
function answer(request: ChatRequest): string {
  const sawFile = /^\d+: +idempotencyKey: randomUUID\(\)/m.test(request.user)
  return [
    'Creating the key once, before `withRetry`, is enough for captures: every attempt then sends the same key, and the gateway answers a repeated key with the result of the first capture instead of charging again.',
    '',
    sawFile
      ? 'In `capturePayment` that means moving `randomUUID()` out of the arrow function (line 32) into a `const` above line 26, as the suggestion does.'
      : 'Move `randomUUID()` out of the function passed to `withRetry`, as the suggestion does.',
    '',
    'Refunds are not in this diff. If they are retried the same way, they need the same treatment: one key per refund, created before the retry loop.'
  ].join('\n')
}

export const demoModel: Responder = (request) => {
  // A question (no answer format asked for) gets Markdown.
  if (!request.body.response_format) return answer(request)
  const wants = wanted(request)
  const paths = [...shownLines(request.user).keys()]
  return {
    ...(wants.includes('overview') ? { overview: OVERVIEW } : {}),
    ...(wants.includes('files')
      ? { files: paths.map((path) => ({ path, change: CHANGES[path] ?? 'Updated.' })) }
      : {}),
    ...(wants.includes('findings') ? { findings: findings(request.user) } : {})
  }
}
