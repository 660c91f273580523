// marked-terminal ships no types; the CLI uses only this (terminal.ts).
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked'

  export interface TerminalRendererOptions {
    /** Wraps paragraphs to `width`. */
    reflowText?: boolean
    width?: number
  }

  export function markedTerminal(options?: TerminalRendererOptions): MarkedExtension
}
