/** "1 file", "3 files", "1,557 tokens": a count with its noun, for log lines people read. */
export const count = (n: number, noun: string, plural = `${noun}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`
