/**
 * Turns any failure of the keyless chain into a short cause plus the exact fix, explained with
 * the run's actual token claims and settings (never a token). Pure functions of data: each
 * reader below recognises its own errors anywhere on the `cause` chain, in this order.
 */
import { AuthError } from '../errors.js'
import { diagnoseEntra } from './diagnose-entra.js'
import { diagnoseGitHubApi, diagnoseIdToken } from './diagnose-github.js'
import { diagnoseNetwork } from './diagnose-network.js'
import { diagnoseOpenAI } from './diagnose-openai.js'
import { unexpected, type Diagnosis, type DiagnosisContext } from './diagnosis.js'

export { entraErrorCode } from './diagnose-entra.js'
export type { Diagnosis, DiagnosisContext, Fact, Stage } from './diagnosis.js'

export function diagnose(error: unknown, context: DiagnosisContext): Diagnosis {
  return (
    // The ID token request fails inside MSAL's assertion callback too, so it comes first.
    diagnoseIdToken(error, context) ??
    diagnoseEntra(error, context) ??
    diagnoseOpenAI(error, context) ??
    diagnoseGitHubApi(error, context) ??
    diagnoseNetwork(error, context) ??
    unexpected(error, context)
  )
}

/** The cause and the facts: what AuthError carries as its message. */
function statement(d: Diagnosis): string {
  const facts = d.facts.map(([name, value]) => `  ${name}: ${value}`)
  return [d.title, d.cause, ...facts].join('\n')
}

/** One paragraph for the log: title, cause, the facts, then "Fix:" and the exact fix. */
export function formatDiagnosis(d: Diagnosis): string {
  return `${statement(d)}\nFix: ${d.fix}`
}

export function toAuthError(error: unknown, context: DiagnosisContext): AuthError {
  const d = diagnose(error, context)
  return new AuthError(statement(d), d.fix, { cause: error })
}
