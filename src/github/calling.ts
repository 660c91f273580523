/**
 * One GitHub call; a failure leaves as a StageError naming what was being done ("post the
 * summary comment"), which diagnosis/ turns into the cause and the fix. Apart from client.ts,
 * which loads @actions/github (it reads GITHUB_API_URL once, when first loaded).
 */
import { StageError } from '../errors.js'

export async function calling<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw new StageError('github', doing, error)
  }
}
