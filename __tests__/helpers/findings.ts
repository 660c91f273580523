/**
 * Findings on the cart fixture (fixtures/patches/multi-hunk.patch as `cart.js`), whose hunks
 * span new lines 2-15, 19-25 and 28-38, and old lines 2-18, 22-28 and 31-37.
 */
import type { PrFile } from '../../src/pull-request.js'
import type { Finding } from '../../src/review/schema.js'
import { fixturePatch, prFile } from './files.js'

export const CART_PATCH = fixturePatch('multi-hunk')
export const cart = (): PrFile => prFile('cart.js', CART_PATCH)

export const finding = (over: Partial<Finding>): Finding => ({
  path: 'cart.js',
  line: 5,
  severity: 'minor',
  body: 'A finding.',
  ...over
})

/** Findings GitHub accepts inline: an added line, a deleted one, a context one, a range. */
export const placed = [
  finding({ line: 5, title: 'Added line', suggestion: 'const MAX_QUANTITY = 100' }),
  finding({ line: 12, side: 'LEFT', title: 'Deleted line', suggestion: 'nope' }),
  finding({ line: 4, title: 'Context line' }),
  finding({ line: 31, startLine: 28, title: 'Range in one hunk', severity: 'major' })
]

/** Findings on no line of the diff: they belong in the review body. */
export const offDiff = [
  finding({ line: 17, title: 'Between hunks' }),
  finding({ line: 20, side: 'LEFT', title: 'Old line between hunks' }),
  finding({ path: 'src/unknown.ts', line: 1, title: 'Not in the PR' }),
  finding({ line: 0, title: 'Line zero' })
]

/** A range whose ends lie in different hunks: it shrinks to its last line. */
export const crossHunk = finding({
  line: 22,
  startLine: 12,
  title: 'Across hunks',
  suggestion: 'x'
})
