import { requestIdTokenEarly } from './early.js'

// The ID token request leaves before the rest of the action loads (see early.ts).
const early = requestIdTokenEarly()
// With debug logging on, stack traces point into src/ through the bundle's source maps;
// reading the maps costs about 70 MB, so only then.
if (process.env['RUNNER_DEBUG'] === '1') process.setSourceMapsEnabled(true)
await early?.sent
const { run } = await import('./main.js')
await run(early)
