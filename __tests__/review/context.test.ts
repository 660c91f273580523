/** The code around each hunk, found by indentation and closing lines, bounded. */
import { formatPatch, structuredPatch } from 'diff'
import type { ContextRange, Hunk, HunkContext } from '../../src/pull-request.js'
import { codeAroundLine, enclosingContext, trimContext } from '../../src/review/context.js'
import { parsePatch } from '../../src/review/diff.js'

/** A source written flush left in a template literal → its lines. */
const lines = (text: string): string[] => text.replace(/^\n/, '').replace(/\n$/, '').split('\n')

/** The 1-based number of the one head line that reads exactly `text`. */
function lineOf(head: readonly string[], text: string): number {
  const at = head.indexOf(text)
  if (at < 0 || head.indexOf(text, at + 1) >= 0) throw new Error(`not one line: ${text}`)
  return at + 1
}

/** The base the head was edited from: each `[head line, base line]` pair undone. */
function baseOf(head: readonly string[], edits: readonly (readonly [string, string])[]): string[] {
  const base = [...head]
  for (const [now, was] of edits) base[lineOf(head, now) - 1] = was
  return base
}

/** The hunks GitHub would send for base → head, parsed as the action parses them. */
function hunksOf(base: readonly string[], head: readonly string[], context = 3): Hunk[] {
  const patch = formatPatch(
    structuredPatch('a', 'b', `${base.join('\n')}\n`, `${head.join('\n')}\n`, '', '', { context })
  )
  return parsePatch(patch.slice(patch.indexOf('@@')))
}

/** A hunk that rewrites head lines `first..last` (1-based), as a patch would show it. */
function rewrite(head: readonly string[], first: number, last: number): Hunk {
  const size = last - first + 1
  return {
    header: `@@ -${first},${size} +${first},${size} @@`,
    oldStart: first,
    oldLines: size,
    newStart: first,
    newLines: size,
    lines: head.slice(first - 1, last).flatMap((code, i) => [
      { kind: 'del' as const, line: `-${code} // old`, oldLine: first + i },
      { kind: 'add' as const, line: `+${code}`, newLine: first + i }
    ])
  }
}

/** The head lines a hunk covers, 1-based and inclusive (a hunk that only deletes covers none). */
const covered = (h: Hunk): number[] => Array.from({ length: h.newLines }, (_, i) => h.newStart + i)

/** The 1-based line numbers a range shows. */
const numbers = (r: ContextRange | undefined): number[] =>
  r ? r.lines.map((_, i) => r.start + i) : []

const shown = (c: HunkContext): number[] => [...numbers(c.before), ...numbers(c.after)]

// Files in these suites are shorter than the whole-file threshold; this makes them bounded.
const bounded = { wholeFileLines: 0 }

const orderService = lines(`
import { randomUUID } from 'node:crypto'
import type { Clock, Order, OrderLine, Repository } from './types.js'

const MAX_LINES = 200

export class OrderService {
  private readonly cache = new Map<string, Order>()

  constructor(
    private readonly orders: Repository<Order>,
    private readonly clock: Clock
  ) {}

  /** Creates an empty order for a customer. */
  async create(customerId: string): Promise<Order> {
    const order: Order = {
      id: randomUUID(),
      customerId,
      lines: [],
      createdAt: this.clock.now(),
      discount: 0
    }
    await this.orders.save(order)
    this.cache.set(order.id, order)
    return order
  }

  /** Adds a line, merging it with an existing line for the same product. */
  async addLine(orderId: string, line: OrderLine): Promise<Order> {
    const order = await this.load(orderId)
    if (order.lines.length >= MAX_LINES) {
      throw new Error(\`order \${orderId} has too many lines\`)
    }
    const existing = order.lines.find((l) => l.productId === line.productId)
    if (existing) {
      existing.quantity += line.quantity
    } else {
      order.lines.push({ ...line })
    }
    await this.orders.save(order)
    return order
  }

  /**
   * Applies a percentage discount to the order's total.
   * A discount above 50% needs a manager's approval.
   */
  async applyDiscount(orderId: string, percent: number, approvedBy?: string): Promise<Order> {
    const order = await this.load(orderId)
    if (percent < 0 || percent > 100) {
      throw new RangeError(\`discount must be between 0 and 100, got \${percent}\`)
    }
    if (percent > 50 && approvedBy === undefined) {
      throw new Error('a discount above 50% needs approval')
    }
    order.discount = Math.round(percent * 100) / 100
    order.discountApprovedBy = approvedBy
    await this.orders.save(order)
    this.cache.set(order.id, order)
    return order
  }

  /** The order's total after its discount, in cents. */
  total(order: Order): number {
    const gross = order.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0)
    return Math.round(gross * (1 - order.discount / 100))
  }

  private async load(orderId: string): Promise<Order> {
    const cached = this.cache.get(orderId)
    if (cached) return cached
    const order = await this.orders.find(orderId)
    if (!order) throw new Error(\`no order \${orderId}\`)
    this.cache.set(orderId, order)
    return order
  }
}
`)

const readConfig = lines(`
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { CURRENT_VERSION, isConfig, migrate, type Config } from './config.js'
import { sleep } from './time.js'

export interface ReadOptions {
  readonly retries?: number
  readonly log?: (message: string) => void
}

/**
 * Reads a JSON config, migrating an older version in place (after a backup) and retrying
 * while another process is still writing the file.
 */
export async function readConfig(path: string, options: ReadOptions = {}): Promise<Config> {
  const retries = options.retries ?? 3
  let lastError: unknown
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      const text = await readFile(path, 'utf8')
      const parsed: unknown = JSON.parse(text)
      if (isConfig(parsed)) {
        if (parsed.version !== CURRENT_VERSION) {
          options.log?.(\`migrating \${path} from version \${parsed.version}\`)
          const backup = \`\${path}.v\${parsed.version}.bak\`
          await copyFile(path, backup)
          const migrated = migrate(parsed, { keepUnknown: true })
          await writeFile(path, JSON.stringify(migrated, null, 2))
          return migrated
        }
        return parsed
      }
      throw new Error(\`\${path} is not a config file\`)
    } catch (error) {
      lastError = error
      await sleep(50 * 2 ** attempt)
    }
  }
  throw new Error(\`could not read \${path}\`, { cause: lastError })
}
`)

describe('enclosingContext: TypeScript', () => {
  it('shows a method with its JSDoc and closing brace, not the long class around it', () => {
    const base = baseOf(orderService, [
      ['    order.discount = Math.round(percent * 100) / 100', '    order.discount = percent']
    ])
    const hunks = hunksOf(base, orderService)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[53, 7]])

    const [context] = enclosingContext(orderService, hunks, bounded)

    expect(context?.before).toEqual({
      start: lineOf(orderService, "   * Applies a percentage discount to the order's total.") - 1,
      lines: [
        '  /**',
        "   * Applies a percentage discount to the order's total.",
        "   * A discount above 50% needs a manager's approval.",
        '   */',
        '  async applyDiscount(orderId: string, percent: number, approvedBy?: string): Promise<Order> {',
        '    const order = await this.load(orderId)',
        '    if (percent < 0 || percent > 100) {',
        '      throw new RangeError(`discount must be between 0 and 100, got ${percent}`)',
        '    }'
      ]
    })
    expect(context?.after).toEqual({ start: 60, lines: ['    return order', '  }'] })
    // The class opener is more than 40 lines above the hunk: not climbed to.
    expect(shown(context ?? {})).not.toContain(lineOf(orderService, 'export class OrderService {'))
  })

  it('climbs from a nested if to its function, with the JSDoc, and closes the function', () => {
    // The nearest less indented line is the inner `if`; the climb goes on outward (`if`,
    // `try`, `for`, the function) while each opener is within maxBefore of the hunk.
    const base = baseOf(readConfig, [
      [
        '          const migrated = migrate(parsed, { keepUnknown: true })',
        '          const migrated = migrate(parsed)'
      ]
    ])
    const hunks = hunksOf(base, readConfig)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[23, 7]])
    expect(readConfig[21]).toBe('        if (parsed.version !== CURRENT_VERSION) {')

    const [context] = enclosingContext(readConfig, hunks, bounded)

    expect(context?.before).toEqual({ start: 10, lines: readConfig.slice(9, 22) })
    expect(context?.before?.lines[0]).toBe('/**')
    expect(context?.before?.lines[4]).toBe(
      'export async function readConfig(path: string, options: ReadOptions = {}): Promise<Config> {'
    )
    expect(context?.after).toEqual({ start: 30, lines: readConfig.slice(29, 39) })
    expect(context?.after?.lines.at(-1)).toBe('}')
  })

  it('stops climbing where the next opener would exceed maxBefore, closing that block only', () => {
    const base = baseOf(readConfig, [
      [
        '          const migrated = migrate(parsed, { keepUnknown: true })',
        '          const migrated = migrate(parsed)'
      ]
    ])
    const hunks = hunksOf(base, readConfig)

    // Five lines above the hunk reach `try {` (line 18) but not `for` (line 17).
    const [context] = enclosingContext(readConfig, hunks, { ...bounded, maxBefore: 5 })

    expect(context?.before).toEqual({
      start: 18,
      lines: [
        '    try {',
        "      const text = await readFile(path, 'utf8')",
        '      const parsed: unknown = JSON.parse(text)',
        '      if (isConfig(parsed)) {',
        '        if (parsed.version !== CURRENT_VERSION) {'
      ]
    })
    // The `try` block ends at `} catch (error) {`, which carries the construct on to its `}`.
    expect(context?.after).toEqual({ start: 30, lines: readConfig.slice(29, 36) })
    expect(context?.after?.lines.at(-1)).toBe('    }')
  })

  it('shows a multi-line signature from its first line', () => {
    const head = lines(`
export class Cache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>()

  constructor(private readonly ttlMs: number) {}

  /** Keeps a value until it expires. */
  set(
    key: K,
    value: V,
    ttlMs: number = this.ttlMs
  ): void {
    const expires = Date.now() + ttlMs
    this.entries.set(key, { value, expires })
    this.evictExpired()
    this.size += 1
  }
}
`)
    // The class opener is 14 lines up: out of reach with maxBefore 10, so the climb stops at
    // the method, from its signature's first line and JSDoc.
    const [context] = enclosingContext(head, [rewrite(head, 15, 15)], { ...bounded, maxBefore: 10 })

    expect(context?.before).toEqual({ start: 6, lines: head.slice(5, 14) })
    expect(context?.before?.lines.slice(0, 2)).toEqual([
      '  /** Keeps a value until it expires. */',
      '  set('
    ])
    expect(context?.after).toEqual({ start: 16, lines: ['  }'] })
  })
})

describe('enclosingContext: Python', () => {
  const store = lines(`
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

log = logging.getLogger(__name__)


@dataclass
class Session:
    user_id: str
    created_at: datetime
    expires_at: datetime
    scopes: list[str] = field(default_factory=list)


class SessionStore:
    """Sessions in memory, expired lazily."""

    def __init__(self, ttl: timedelta = timedelta(hours=1)) -> None:
        self._ttl = ttl
        self._sessions: dict[str, Session] = {}

    def open(self, token: str, user_id: str, scopes: list[str]) -> Session:
        now = datetime.now()
        session = Session(user_id, now, now + self._ttl, scopes)
        self._sessions[token] = session
        log.info("opened session for %s", user_id)
        return session

    def get(self, token: str) -> Session | None:
        session = self._sessions.get(token)
        if session is None:
            return None
        if session.expires_at <= datetime.now():
            del self._sessions[token]
            return None
        return session

    def refresh(self, token: str) -> Session | None:
        session = self.get(token)
        if session is not None:
            session.expires_at = datetime.now() + self._ttl
        return session

    def active_count(self) -> int:
        now = datetime.now()
        return sum(1 for s in self._sessions.values() if s.expires_at > now)

    def revoke_user(self, user_id: str) -> int:
        tokens = [t for t, s in self._sessions.items() if s.user_id == user_id]
        for token in tokens:
            del self._sessions[token]
        log.info("revoked %d sessions of %s", len(tokens), user_id)
        return len(tokens)

    @staticmethod
    def has_scope(session: Session, scope: str) -> bool:
        # An admin scope grants every other one.
        if "admin" in session.scopes:
            return True
        wanted = scope.lower().split(":")
        for granted in session.scopes:
            parts = granted.split(":")
            if parts == wanted[: len(parts)]:
                return True
        return False

    def close(self, token: str) -> None:
        self._sessions.pop(token, None)
`)

  it('shows the def with its decorator and stops at the dedent, with no closing line', () => {
    const base = baseOf(store, [
      ['        wanted = scope.lower().split(":")', '        wanted = scope.split(":")']
    ])
    const hunks = hunksOf(base, store)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[58, 7]])

    const [context] = enclosingContext(store, hunks, bounded)

    expect(context).toEqual({
      before: {
        start: lineOf(store, '    @staticmethod'),
        lines: ['    @staticmethod', '    def has_scope(session: Session, scope: str) -> bool:']
      },
      after: { start: 65, lines: ['                return True', '        return False'] }
    })
  })

  it("places a hunk that only deletes after its head line and uses the deleted lines' indentation", () => {
    const base = [...store]
    base.splice(
      lineOf(store, '        self._sessions[token] = session'),
      0,
      '        self._opened += 1'
    )
    const hunks = hunksOf(base, store, 0)
    expect(hunks.map((h) => [h.newStart, h.newLines, h.lines.length])).toEqual([[26, 0, 1]])

    // maxBefore 8 keeps `class SessionStore:` (line 16) out of reach: the method alone.
    const [context] = enclosingContext(store, hunks, { ...bounded, maxBefore: 8 })

    expect(context).toEqual({
      before: {
        start: 23,
        lines: [
          '    def open(self, token: str, user_id: str, scopes: list[str]) -> Session:',
          '        now = datetime.now()',
          '        session = Session(user_id, now, now + self._ttl, scopes)',
          '        self._sessions[token] = session'
        ]
      },
      after: {
        start: 27,
        lines: ['        log.info("opened session for %s", user_id)', '        return session']
      }
    })
  })

  it('places a hunk that deletes the first lines before head line 1', () => {
    const base = ['#!/usr/bin/env python3', '# -*- coding: utf-8 -*-', ...store]
    const hunks = hunksOf(base, store, 0)
    expect(hunks.map((h) => [h.newStart, h.newLines, h.lines.length])).toEqual([[0, 0, 2]])

    // Shown whole, the file is all after the deletion; bounded, unindented imports open no
    // block, so there is nothing to show.
    expect(enclosingContext(store, hunks)).toEqual([{ after: { start: 1, lines: store } }])
    expect(enclosingContext(store, hunks, bounded)).toEqual([{}])
  })
})

describe('enclosingContext: Go', () => {
  it('shows the func with its doc comment and its closing brace', () => {
    const head = lines(`
package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// Server answers the order and health endpoints.
type Server struct {
	store   Store
	timeout time.Duration
}

// ErrNotFound is returned by a Store that has no such order.
var ErrNotFound = errors.New("not found")

// HandleOrder writes the order named in the query as JSON.
// It answers 404 for an unknown order and 504 when the store is slow.
func (s *Server) HandleOrder(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	order, err := s.store.Find(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		http.Error(w, "no such order", http.StatusNotFound)
		return
	case errors.Is(err, context.DeadlineExceeded):
		http.Error(w, "store timed out", http.StatusGatewayTimeout)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(order); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// HandleHealth answers 204 while the server runs.
func (s *Server) HandleHealth(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}
`)
    const base = baseOf(head, [
      [
        '\t\thttp.Error(w, "store timed out", http.StatusGatewayTimeout)',
        '\t\thttp.Error(w, "store timed out", http.StatusServiceUnavailable)'
      ]
    ])
    const hunks = hunksOf(base, head)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[33, 7]])

    const [context] = enclosingContext(head, hunks, bounded)

    expect(context?.before).toEqual({ start: 20, lines: head.slice(19, 32) })
    expect(context?.before?.lines.slice(0, 3)).toEqual([
      '// HandleOrder writes the order named in the query as JSON.',
      '// It answers 404 for an unknown order and 504 when the store is slow.',
      'func (s *Server) HandleOrder(w http.ResponseWriter, r *http.Request) {'
    ])
    expect(context?.after).toEqual({
      start: 40,
      lines: [
        '\t\treturn',
        '\t}',
        '\tw.Header().Set("Content-Type", "application/json")',
        '\tif err := json.NewEncoder(w).Encode(order); err != nil {',
        '\t\thttp.Error(w, err.Error(), http.StatusInternalServerError)',
        '\t}',
        '}'
      ]
    })
  })
})

describe('enclosingContext: YAML', () => {
  it('shows the nearest parent keys up to the job, not the whole workflow', () => {
    const head = lines(`
name: ci

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 24
          cache: npm
      - run: npm ci
      - run: npm run lint
      - run: npm run format:check

  test:
    runs-on: \${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest, windows-latest, macos-latest]
        node: [20, 22, 24]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
          cache: npm
      - run: npm ci
      - run: npm test -- --coverage
      - uses: actions/upload-artifact@v4
        if: matrix.os == 'ubuntu-latest' && matrix.node == 24
        with:
          name: coverage
          path: coverage/

  release:
    needs: [lint, test]
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    permissions:
      contents: write
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 24.x
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish --provenance
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
      - name: Tag the release
        run: git tag "v$(node -p "require('./package.json').version")"
`)
    const base = baseOf(head, [['          node-version: 24.x', '          node-version: 24']])
    const hunks = hunksOf(base, head)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[53, 7]])

    const [context] = enclosingContext(head, hunks, bounded)

    expect(context).toEqual({
      before: {
        start: lineOf(head, '  release:'),
        lines: [
          '  release:',
          '    needs: [lint, test]',
          "    if: github.ref == 'refs/heads/main'",
          '    runs-on: ubuntu-latest',
          '    permissions:',
          '      contents: write',
          '      id-token: write',
          '    steps:'
        ]
      },
      after: {
        start: lineOf(head, '        env:'),
        lines: [
          '        env:',
          '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
          '      - name: Tag the release',
          '        run: git tag "v$(node -p "require(\'./package.json\').version")"'
        ]
      }
    })
    expect(shown(context ?? {})).not.toContain(lineOf(head, 'jobs:'))
  })
})

describe('enclosingContext: Markdown', () => {
  const guide = lines(`
# Keyless pull request review

Reviews pull requests with Azure OpenAI, signing in with the workflow's identity: no key is
stored anywhere.

## Setup

You need an Azure OpenAI resource and the right to create identities in its subscription.

\`\`\`bash
# create the identity the workflow signs in as
az identity create --name reviewer --resource-group review-rg
# let it call the model, and nothing else
az role assignment create --role "Cognitive Services OpenAI User" \\
  --assignee "$(az identity show -n reviewer -g review-rg --query principalId -o tsv)" \\
  --scope "$OPENAI_RESOURCE_ID"
\`\`\`

Then add a federated credential for the repository, with the subject
\`repo:OWNER/REPO:pull_request\`, and give the workflow \`id-token: write\`.
The first run prints every claim it sent, so a mismatch shows at once.
Runs on forks cannot request an ID token and are skipped with a note.

## Inputs

| input      | meaning                           |
| ---------- | --------------------------------- |
| endpoint   | the resource's endpoint           |
| deployment | the deployment to ask             |
`)

  it('shows the section heading above a change, skipping comments in fenced code', () => {
    const base = baseOf(guide, [
      [
        '`repo:OWNER/REPO:pull_request`, and give the workflow `id-token: write`.',
        '`repo:OWNER/REPO:pull_request`.'
      ]
    ])
    const hunks = hunksOf(base, guide, 0)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([[20, 1]])

    const [context] = enclosingContext(guide, hunks, { ...bounded, path: 'docs/setup.md' })

    expect(context).toEqual({
      before: { start: 6, lines: guide.slice(5, 19) },
      after: {
        start: 21,
        lines: [
          'The first run prints every claim it sent, so a mismatch shows at once.',
          'Runs on forks cannot request an ID token and are skipped with a note.'
        ]
      }
    })
    expect(context?.before?.lines[0]).toBe('## Setup')
  })

  it('reads `#` as a comment attached to the line below when the file is not Markdown', () => {
    const base = baseOf(guide, [
      [
        '`repo:OWNER/REPO:pull_request`, and give the workflow `id-token: write`.',
        '`repo:OWNER/REPO:pull_request`.'
      ]
    ])
    const [context] = enclosingContext(guide, hunksOf(base, guide, 0), bounded)
    // By indentation alone, the continued shell command is the nearest unindented line that
    // opens a block, and the `#` line above it is its comment.
    expect(context).toEqual({ before: { start: 13, lines: guide.slice(12, 19) } })
    expect(context?.before?.lines.slice(0, 2)).toEqual([
      '# let it call the model, and nothing else',
      'az role assignment create --role "Cognitive Services OpenAI User" \\'
    ])
  })
})

/** A long TypeScript file: many classes of several methods, some with nested blocks. */
function longFile(classes: number): string[] {
  return Array.from({ length: classes }, (_, c) =>
    lines(`
/** Stores records of kind ${c}. */
export class Store${c} {
  private readonly items = new Map<string, number>()

  /** Adds one, or counts it again. */
  add(key: string): void {
    const seen = this.items.get(key) ?? 0
    if (seen > ${c}) {
      for (const other of this.items.keys()) {
        if (other.startsWith(key)) {
          this.items.delete(other)
        }
      }
    }
    this.items.set(key, seen + 1)
  }

  // How many are kept.
  get size(): number {
    return this.items.size
  }

  @logged
  clear(): void {
    this.items.clear()
  }
}

`)
  ).flat()
}

describe('enclosingContext: bounds', () => {
  const head = longFile(40)

  it.each([
    ['the defaults', {}, 40, 20, 0.9, 0.8],
    ['tight bounds', { maxBefore: 7, maxAfter: 5 }, 7, 5, 0.4, 0.7],
    ['one line each', { maxBefore: 1, maxAfter: 1 }, 1, 1, 0.2, 0.6]
  ])(
    'never shows more than the bounds allow, nor a hunk line (%s)',
    (_, options, before, after, beforeShare, afterShare) => {
      let withBefore = 0
      let withAfter = 0
      for (let first = 1; first <= head.length; first += 3) {
        const hunk = rewrite(head, first, Math.min(head.length, first + 1 + (first % 5)))
        const [context = {}] = enclosingContext(head, [hunk], options)
        const { before: b, after: a } = context
        if (b) {
          withBefore++
          expect(b.lines.length).toBeLessThanOrEqual(before)
          expect(b.start + b.lines.length).toBeLessThanOrEqual(hunk.newStart)
          expect(b.lines).toEqual(head.slice(b.start - 1, b.start - 1 + b.lines.length))
          expect(b.lines[0]?.trim()).not.toBe('')
          expect(b.lines.at(-1)?.trim()).not.toBe('')
        }
        if (a) {
          withAfter++
          expect(a.lines.length).toBeLessThanOrEqual(after)
          expect(a.start).toBeGreaterThanOrEqual(hunk.newStart + hunk.newLines)
          expect(a.lines).toEqual(head.slice(a.start - 1, a.start - 1 + a.lines.length))
          expect(a.lines[0]?.trim()).not.toBe('')
          expect(a.lines.at(-1)?.trim()).not.toBe('')
        }
      }
      // How often a block's opener and end are within reach shrinks with the bounds.
      const positions = Math.ceil(head.length / 3)
      expect(withBefore / positions).toBeGreaterThan(beforeShare)
      expect(withAfter / positions).toBeGreaterThan(afterShare)
    }
  )

  it('never shows a line twice, nor a hunk line, with many hunks close together', () => {
    for (const step of [4, 7, 9, 13]) {
      const hunks: Hunk[] = []
      for (let first = 2; first + 1 <= head.length; first += step) {
        hunks.push(rewrite(head, first, first + 1))
      }
      const contexts = enclosingContext(head, hunks, { maxBefore: 12, maxAfter: 6 })
      const inHunks = new Set(hunks.flatMap(covered))
      const all = contexts.flatMap(shown)
      expect(new Set(all).size).toBe(all.length)
      expect(all.filter((n) => inHunks.has(n))).toEqual([])
      expect(all.length).toBeGreaterThan(0)
    }
  })

  it("shows the region between two nearby hunks once, split at the second hunk's opener", () => {
    const base = baseOf(readConfig, [
      ['  const retries = options.retries ?? 3', '  const retries = options.retries ?? 2'],
      [
        '          const migrated = migrate(parsed, { keepUnknown: true })',
        '          const migrated = migrate(parsed)'
      ]
    ])
    const hunks = hunksOf(base, readConfig)
    expect(hunks.map((h) => [h.newStart, h.newLines])).toEqual([
      [12, 7],
      [23, 7]
    ])

    const [first, second] = enclosingContext(readConfig, hunks, bounded)

    // The first hunk's `after` (to the end of the function it is in) would run on into the
    // second's `before` (from `if (isConfig(parsed)) {`; `try {` is in the first hunk): it
    // gives way, so lines 19-22 are shown once, split between them.
    expect(first?.after).toEqual({ start: 19, lines: readConfig.slice(18, 20) })
    expect(second?.before).toEqual({ start: 21, lines: readConfig.slice(20, 22) })
    expect(second?.before?.lines[0]).toBe('      if (isConfig(parsed)) {')
    expect(first?.before).toEqual({ start: 10, lines: ['/**', readConfig[10]] })
  })

  it('reads a long file with many hunks in linear time', () => {
    const big = longFile(6_000)
    expect(big.length).toBeGreaterThan(160_000)
    const hunks = Array.from({ length: 3_200 }, (_, i) => rewrite(big, 7 + i * 50, 8 + i * 50))
    const started = performance.now()
    const contexts = enclosingContext(big, hunks)
    // About a tenth of a second here; work proportional to lines × hunks takes half a minute,
    // so the bound holds with room to spare on a loaded machine.
    expect(performance.now() - started).toBeLessThan(4_000)
    expect(contexts).toHaveLength(3_200)
    // Every hunk is inside a class; those that end on the class's `}` have nothing after.
    expect(contexts.filter((c) => c.before).length).toBe(3_200)
    expect(contexts.filter((c) => c.after).length).toBeGreaterThan(2_800)
  })
})

describe('enclosingContext: small files', () => {
  it('shows a small file whole: every line outside the hunks exactly once', () => {
    const base = baseOf(orderService, [
      ['      discount: 0', '      discount: 0,'],
      ['    order.discount = Math.round(percent * 100) / 100', '    order.discount = percent'],
      [
        '    if (!order) throw new Error(`no order ${orderId}`)',
        '    if (!order) throw new Error(orderId)'
      ]
    ])
    const hunks = hunksOf(base, orderService)
    expect(hunks).toHaveLength(3)

    const contexts = enclosingContext(orderService, hunks)

    const inHunks = hunks.flatMap(covered)
    const all = [...contexts.flatMap(shown), ...inHunks].sort((a, b) => a - b)
    expect(all).toEqual(orderService.map((_, i) => i + 1))
    expect(contexts[0]?.before).toEqual({ start: 1, lines: orderService.slice(0, 17) })
    // Blank lines are kept when the file is shown whole: the text reads as it is.
    expect(contexts[0]?.after).toEqual({ start: 25, lines: orderService.slice(24, 52) })
    expect(contexts[0]?.after?.lines.slice(0, 4)).toEqual([
      '    return order',
      '  }',
      '',
      '  /** Adds a line, merging it with an existing line for the same product. */'
    ])
    expect(contexts[2]?.after).toEqual({ start: 77, lines: ['}'] })
  })

  it('shows the whole file however far the hunk is from its ends', () => {
    const head = longFile(2)
    const contexts = enclosingContext(head, [rewrite(head, 30, 30)], { wholeFileLines: 150 })
    expect(contexts).toEqual([
      {
        before: { start: 1, lines: head.slice(0, 29) },
        after: { start: 31, lines: head.slice(30) }
      }
    ])
  })
})

describe('enclosingContext: odd input', () => {
  it('gives no context, without throwing, when the head is shorter than the hunks claim', () => {
    const hunks = [rewrite(orderService, 52, 58), rewrite(orderService, 70, 75)]
    const short = orderService.slice(0, 60)
    expect(enclosingContext(short, hunks, bounded)).toEqual([{}, {}])
    expect(enclosingContext([], hunks)).toEqual([{}, {}])
    expect(enclosingContext(orderService, [])).toEqual([])
  })

  it('gives no context when the head is not the version the hunks describe', () => {
    const hunks = [rewrite(orderService, 52, 58)]
    const moved = ['// a line added since', ...orderService]
    expect(enclosingContext(moved, hunks, bounded)).toEqual([{}])
  })

  it('answers unsorted and overlapping hunks in their own order, without duplicates', () => {
    const a = rewrite(orderService, 53, 55)
    const b = rewrite(orderService, 30, 31)
    const sorted = enclosingContext(orderService, [b, a], bounded)
    expect(enclosingContext(orderService, [a, b], bounded)).toEqual([sorted[1], sorted[0]])
    expect(sorted[1]?.before?.start).toBe(lineOf(orderService, '  /**'))
    expect(sorted[1]?.after?.start).toBe(56)

    // A hunk inside another is part of its region: the outer one shows the context.
    const inside = rewrite(orderService, 54, 54)
    expect(enclosingContext(orderService, [a, inside, b], bounded)).toEqual([
      sorted[1],
      {},
      sorted[0]
    ])
    // Of two overlapping hunks, the first shows what is above, the other what is below.
    const lower = rewrite(orderService, 55, 57)
    expect(enclosingContext(orderService, [lower, a], bounded)).toEqual([
      { after: { start: 58, lines: orderService.slice(57, 61) } },
      { before: sorted[1]?.before }
    ])
  })

  it('counts a tab as four columns where tabs and spaces are mixed', () => {
    const head = [
      'export function collect(rows: Row[]): Row[] {',
      '  const out: Row[] = []',
      '  for (const row of rows) {',
      '\tif (row.skip) continue',
      '\tout.push(normalize(row))',
      '\tseen.add(row.id)',
      '  }',
      '  return out',
      '}'
    ]
    // The tab-indented line (4 columns) sits inside the 2-space `for`.
    const [context] = enclosingContext(head, [rewrite(head, 4, 4)], {
      ...bounded,
      maxBefore: 2
    })
    expect(context).toEqual({
      before: { start: 3, lines: ['  for (const row of rows) {'] },
      after: { start: 5, lines: ['\tout.push(normalize(row))', '\tseen.add(row.id)', '  }'] }
    })
  })

  it('keeps a carriage return as part of the line, not as indentation', () => {
    const crlf = readConfig.map((l) => `${l}\r`)
    const hunks = [rewrite(readConfig, 23, 29)]
    const plain = enclosingContext(readConfig, hunks, bounded)
    const withCr = enclosingContext(crlf, hunks, bounded)

    expect(withCr.map(shown)).toEqual(plain.map(shown))
    expect(withCr[0]?.before?.lines[0]).toBe('/**\r')
  })
})

describe('trimContext', () => {
  const context: HunkContext = {
    before: { start: 10, lines: ['/**', ' * Doc.', ' */', 'function f() {', '', '  const a = 1'] },
    after: { start: 30, lines: ['  return a', '', '  // done', '}'] }
  }

  it('keeps the lines nearest the hunk', () => {
    expect(trimContext(context, 3, 1)).toEqual({
      before: { start: 13, lines: ['function f() {', '', '  const a = 1'] },
      after: { start: 30, lines: ['  return a'] }
    })
  })

  it('drops blank lines left at the cut end, and a range cut to nothing', () => {
    expect(trimContext(context, 2, 2)).toEqual({
      before: { start: 15, lines: ['  const a = 1'] },
      after: { start: 30, lines: ['  return a'] }
    })
    expect(trimContext(context, 0, 0)).toEqual({})
    expect(trimContext({ after: { start: 1, lines: ['', 'x'] } }, 5, 1)).toEqual({})
  })

  it('returns ranges within the limits unchanged', () => {
    expect(trimContext(context, 6, 4)).toEqual(context)
    expect(trimContext(context, 100, 100)).toEqual(context)
  })
})

describe('codeAroundLine: the code around a review thread', () => {
  const long = [
    'export class Cart {',
    ...Array.from({ length: 100 }, (_, i) => `  a${i} = ${i}`),
    '  total(items) {',
    '    let sum = 0',
    '    for (const item of items) sum += item.price',
    '    return sum',
    '  }',
    ...Array.from({ length: 100 }, (_, i) => `  b${i} = ${i}`),
    '}'
  ]

  it('shows the function around the line, as a hunk on that line would get', () => {
    const line = lineOf(long, '    return sum')
    const around = codeAroundLine(long, line)
    expect(around?.lines).toEqual([
      '  total(items) {',
      '    let sum = 0',
      '    for (const item of items) sum += item.price',
      '    return sum',
      '  }'
    ])
    expect(around?.start).toBe(lineOf(long, '  total(items) {'))
  })

  it('shows a small file whole, by the same size rule as hunks', () => {
    const small = lines(`
def f():
    return 1
`)
    expect(codeAroundLine(small, 2)).toEqual({ start: 1, lines: small })
  })

  it('keeps within the bounds hunks get in a long block', () => {
    const block = ['function big() {', ...Array.from({ length: 400 }, (_, i) => `  x${i}()`), '}']
    const around = codeAroundLine(block, 200, { maxBefore: 40, maxAfter: 20 })
    expect(around?.lines.length).toBeLessThanOrEqual(40 + 1 + 20)
    expect(around?.lines).toContain('  x198()')
  })

  it('has nothing for a line the file does not have', () => {
    expect(codeAroundLine(long, 0)).toBeUndefined()
    expect(codeAroundLine(long, long.length + 1)).toBeUndefined()
  })
})
