// Minifies every JavaScript file of a bundle directory in place with esbuild (bundle.sh runs
// `node scripts/minify.js DIR` after ncc). ncc's --minify reaches only the entry file: the chunks
// it splits off for dynamic imports (the Azure, OpenAI and octokit code, 5 MB of the action) stay
// as written. Names are kept (`keepNames`): diagnosis reads error classes' names.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'

const dir = process.argv[2]
if (!dir) {
  console.error('usage: node scripts/minify.js DIR')
  process.exit(2)
}
for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
  const path = join(dir, file)
  const source = readFileSync(path, 'utf8')
  // The CLI's entry starts with a shebang line, which esbuild keeps.
  const { code } = transformSync(source, {
    loader: 'js',
    format: 'esm',
    target: 'node22',
    minify: true,
    keepNames: true,
    legalComments: 'none' // the notices are in licenses.txt beside the bundle
  })
  writeFileSync(path, code)
}
