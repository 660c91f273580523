import { describe, expect, it } from '@jest/globals'
import { COMMANDS, commandList, parseCommand } from '../src/commands.js'

describe('the command table', () => {
  it('names each command once', () => {
    const names = COMMANDS.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it('lists the commands for a sentence, all of them or those a review thread answers', () => {
    expect(commandList()).toBe('/review, /summarize, /ask or /help')
    expect(commandList('either')).toBe('/ask or /help')
  })
})

describe('parseCommand', () => {
  it.each(COMMANDS.map((c) => c.name))(
    'reads /%s at the start of a comment, in any case',
    (name) => {
      expect(parseCommand(`/${name}`)).toEqual({ name, text: '' })
      expect(parseCommand(`/${name.toUpperCase()} and more`)).toEqual({ name, text: 'and more' })
    }
  )

  it('takes the rest of the first line and every line after it as the text, trimmed', () => {
    expect(parseCommand('\n  /ask why?\r\nAnd then?\n\n')).toEqual({
      name: 'ask',
      text: 'why?\nAnd then?'
    })
  })

  it.each(['/reviewer', '/summary', '/unknown', 'see /review', '    /review', '> /review', ''])(
    'finds no command in %j',
    (body) => {
      expect(parseCommand(body)).toBeUndefined()
    }
  )
})
