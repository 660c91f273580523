import { describe, expect, it } from '@jest/globals'
import { clip, count, replaceHtmlComments, shortSha } from '../src/format.js'

describe('replaceHtmlComments', () => {
  it('removes each comment, markers and people’s hidden notes alike', () => {
    expect(replaceHtmlComments('a <!-- keyless-pr-review:summary {} --> b <!-- note -->c')).toBe(
      'a  b c'
    )
  })

  it('ends a comment where CommonMark does: <!--> and <!---> are whole comments', () => {
    expect(replaceHtmlComments('x<!-->y')).toBe('xy')
    expect(replaceHtmlComments('x<!--->y')).toBe('xy')
    expect(replaceHtmlComments('x<!-- a -- b -->y')).toBe('xy')
  })

  it('leaves an unclosed comment as it is', () => {
    expect(replaceHtmlComments('a <!-- b')).toBe('a <!-- b')
  })

  it('replaces each comment with what `by` makes of it', () => {
    expect(replaceHtmlComments('a<!--\n\n-->b', (c) => c.replace(/[^\n]/g, ''))).toBe('a\n\nb')
  })
})

describe('counts and clipping', () => {
  it('writes a count with its noun', () => {
    expect(count(1, 'file')).toBe('1 file')
    expect(count(1557, 'token')).toBe('1,557 tokens')
  })

  it('cuts text with an ellipsis, never inside a surrogate pair', () => {
    expect(clip('abcdef', 4)).toBe('abc…')
    expect(clip('ab😀cd', 4)).toBe('ab…')
    expect(clip('abc', 4)).toBe('abc')
  })

  it('abbreviates a SHA to 7 characters', () => {
    expect(shortSha('0123456789abcdef')).toBe('0123456')
  })
})
