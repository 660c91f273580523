// The layers of docs/architecture.md, enforced: each layer imports only from the layers below it
// (type-only imports included), nothing reaches back up, and no import goes round in a circle.
// `npm run lint` runs it.
const SHAPES = '^src/(settings|inputs|context|errors|format|pull-request|model|commands)\\.ts$'
const ENTRY = '^src/(index|main|early)\\.ts$'

/** A rule that the modules matching `from` import none of `to`. */
const layer = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to }
})

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: two modules that each need the other belong together or apart.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    {
      name: 'shapes-import-shapes',
      comment: 'Shapes and settings sit at the bottom: they import each other and libraries only.',
      severity: 'error',
      from: { path: SHAPES },
      to: { path: '^src/', pathNot: SHAPES }
    },
    layer(
      'chain-imports-shapes',
      'The keyless chain imports shapes only.',
      '^src/chain/',
      `^src/(run|github|post|review|diagnosis|cli)/|${ENTRY}`
    ),
    layer(
      'diagnosis-imports-chain-and-shapes',
      'Diagnosis reads the chain’s claims and the shapes, nothing above.',
      '^src/diagnosis/',
      `^src/(run|github|post|review|cli)/|${ENTRY}`
    ),
    layer(
      'review-imports-the-model-port-and-shapes',
      'Planning is pure: the model port and the shapes only.',
      '^src/review/',
      `^src/(run|github|post|chain|diagnosis|cli)/|${ENTRY}`
    ),
    layer(
      'post-imports-review-and-shapes',
      'What is posted is rendered from findings and anchors (review/) and shapes.',
      '^src/post/',
      `^src/(run|github|chain|diagnosis|cli)/|${ENTRY}`
    ),
    layer(
      'github-imports-post-review-and-shapes',
      'GitHub I/O is thin: it posts what post/ rendered.',
      '^src/github/',
      `^src/(run|chain|diagnosis|cli)/|${ENTRY}`
    ),
    layer(
      'run-imports-below',
      'The run’s stages sit on top of everything but the entries.',
      '^src/run/',
      `^src/cli/|${ENTRY}`
    ),
    layer(
      'only-the-cli-imports-the-cli',
      'The CLI is an entry of its own: the action never loads it.',
      '^src/(?!cli/)',
      '^src/cli/'
    ),
    {
      name: 'entries-are-not-imported',
      comment: 'index.ts loads early.ts and main.ts; nothing else imports an entry.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: ENTRY }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are imports too: a layer's shapes must not come from above it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' }
  }
}
