/**
 * The diagnosis helper's `explain`, also checking that every placeholder of the catalogue's
 * template was filled: a {{name}} left in the text means a reader forgot a run fact.
 */
import type { DiagnosisContext } from '../../src/diagnosis/diagnose.js'
import { explain } from '../helpers/diagnosis.js'

export function explainFilled(
  error: unknown,
  context: DiagnosisContext
): ReturnType<typeof explain> {
  const explained = explain(error, context)
  expect(explained.text).not.toMatch(/\{\{[a-z][a-z0-9-]*\}\}/)
  return explained
}
