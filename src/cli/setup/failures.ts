/**
 * A failed `az` or `gh` command explained like the action explains Azure errors: the cause in
 * one line, the facts (the command, the tool's own words, who is signed in) and the exact fix.
 * The wordings recognised are the tools' real ones: azure-cli's "Please run 'az login' to setup
 * account.", ARM's `(AuthorizationFailed) The client '…' with object id '…' does not have
 * authorization to perform action '…' over scope '…'`, `(ResourceNotFound) The Resource '…'
 * under resource group '…' was not found`, Microsoft Graph's "Insufficient privileges to complete
 * the operation." and "Resource '…' does not exist or one of its queried reference-property
 * objects are not present.", ARM's MissingSubscriptionRegistration and PrincipalNotFound, and an
 * old gh's `unknown command "variable" for "gh"` (gh 2.23, Debian 12's).
 */
import { ActionError } from '../../errors.js'
import { clip } from '../../format.js'

export type Tool = 'az' | 'gh'

export interface Failure {
  readonly tool: Tool
  /** The command as a shell line, exactly as it ran. */
  readonly command: string
  readonly stderr: string
  readonly code: number
  /** What setup was doing, as a verb phrase: "create the role assignment". */
  readonly doing: string
}

/** Who `az account show` says is signed in, once known. */
export interface SignedIn {
  readonly user: string
  readonly subscription: string
}

/** The codes and phrases of "no such object": expected of a `show` before a `create`. */
export function isNotFound(stderr: string): boolean {
  return (
    /\((ResourceNotFound|NotFound|DeploymentNotFound)\)/.test(stderr) ||
    /does not exist or one of its queried reference-property objects are not present/.test(stderr)
  )
}

export function explainFailure(failure: Failure, signedIn: SignedIn | undefined): ActionError {
  const said = toolSaid(failure.stderr)
  const facts = [
    `  command: ${failure.command}`,
    `  ${failure.tool} said: ${clip(said || `(nothing; exit code ${failure.code})`, 800)}`,
    ...(signedIn ? [`  signed in as: ${signedIn.user}, subscription ${signedIn.subscription}`] : [])
  ]
  const { cause, fix } =
    failure.tool === 'az' ? explainAz(failure, signedIn) : explainGh(failure, said)
  return new ActionError([cause, ...facts].join('\n'), fix)
}

interface Explanation {
  readonly cause: string
  readonly fix: string
}

function explainAz(failure: Failure, signedIn: SignedIn | undefined): Explanation {
  const { stderr, doing, command } = failure
  if (
    /Please run 'az login'|Please run:\s*az login|Interactive authentication is needed/.test(stderr)
  ) {
    return {
      cause: `Could not ${doing}: the Azure CLI is not signed in, or its sign-in expired.`,
      fix: 'az login   (then, if the Azure OpenAI resource is in another subscription: az account set --subscription SUBSCRIPTION_ID_OR_NAME)'
    }
  }
  const denied =
    /does not have authorization to perform action '([^']+)' over scope '([^']+)'/.exec(stderr)
  if (/\((Linked)?AuthorizationFailed\)/.test(stderr) || denied) {
    const action = denied?.[1] ?? 'this action'
    const scope = denied?.[2] ?? 'this scope'
    if (/Microsoft\.Authorization\/roleAssignments\/write/i.test(action)) {
      return {
        cause: `Could not ${doing}: you may not create role assignments on the Azure OpenAI resource (AuthorizationFailed on ${action}).`,
        fix: [
          'Creating role assignments needs Owner, User Access Administrator or Role Based Access Control Administrator on the resource (or its resource group or subscription). Ask someone who holds one to run:',
          `  ${command}`,
          'Then run setup again: it keeps what it already created and skips this step.'
        ].join('\n')
      }
    }
    return {
      cause: `Could not ${doing}: Azure refused '${action}' over ${scope} (AuthorizationFailed).`,
      fix: [
        `Ask for a role that grants '${action}' there (Managed Identity Contributor creates user-assigned identities and their federated credentials; Contributor covers it), or have someone who holds one run:`,
        `  ${command}`,
        'Then run setup again: it keeps what exists. (--app uses an app registration instead, which needs no Azure role to create.)'
      ].join('\n')
    }
  }
  if (/Insufficient privileges to complete the operation/.test(stderr)) {
    return {
      cause: `Could not ${doing}: Microsoft Entra refused (Insufficient privileges): your account may not create or change this app registration.`,
      fix: [
        'Run setup without --app (a user-assigned managed identity needs only an Azure role on the resource group), or ask an Application Administrator or the app’s owner to run:',
        `  ${command}`,
        'then run setup again.'
      ].join('\n')
    }
  }
  const namespace = /\(MissingSubscriptionRegistration\)[^']*'([^']+)'/.exec(stderr)?.[1]
  if (namespace) {
    return {
      cause: `Could not ${doing}: the subscription is not registered for ${namespace} (MissingSubscriptionRegistration).`,
      fix: `az provider register --namespace ${namespace} --wait   then run setup again`
    }
  }
  if (/\(PrincipalNotFound\)/.test(stderr)) {
    return {
      cause: `Could not ${doing}: Azure does not see the new identity yet (PrincipalNotFound, a replication delay of a minute or two).`,
      fix: 'Wait a minute and run setup again: it keeps what it created and only adds what is missing.'
    }
  }
  if (
    isNotFound(stderr) ||
    /\(ResourceGroupNotFound\)|could not be found|was not found/.test(stderr)
  ) {
    return {
      cause: `Could not ${doing}: Azure found no such resource${signedIn ? ` in subscription ${signedIn.subscription}` : ''}.`,
      fix: [
        'Check the name and the subscription:',
        '  az account show -o table',
        '  az cognitiveservices account list -o table',
        'and switch to the subscription that holds it: az account set --subscription SUBSCRIPTION_ID_OR_NAME'
      ].join('\n')
    }
  }
  return {
    cause: `Could not ${doing}: az failed (exit code ${failure.code}).`,
    fix: `Run the command yourself for the whole error (add --debug for detail), fix what it names, then run setup again:\n  ${command}`
  }
}

function explainGh(failure: Failure, said: string): Explanation {
  // Debian 12's gh 2.23 has no `gh variable`; `--json` on it came later still.
  if (/unknown command "variable"|unknown flag: --json/.test(said)) {
    return {
      cause: `Could not ${failure.doing}: this GitHub CLI is too old: it has no \`gh variable\` command, or no --json on it.`,
      fix: 'Update the GitHub CLI (https://cli.github.com; gh --version shows yours), then run setup again; or run setup without --set-variables, which writes the values into the workflows'
    }
  }
  if (/gh auth login|not logged in|authentication token/i.test(said)) {
    return {
      cause: `Could not ${failure.doing}: the GitHub CLI is not signed in.`,
      fix: 'gh auth login'
    }
  }
  if (/HTTP 403|Resource not accessible/i.test(said)) {
    return {
      cause: `Could not ${failure.doing}: GitHub refused (HTTP 403). Repository variables need admin access to the repository (or Variables: write on a fine-grained token).`,
      fix: `gh auth refresh -s repo   (as a repository admin), or ask an admin to run:\n  ${failure.command}`
    }
  }
  return {
    cause: `Could not ${failure.doing}: gh failed (exit code ${failure.code}).`,
    fix: `Run the command yourself for the whole error, fix what it names, then run setup again:\n  ${failure.command}`
  }
}

/** The tool's own error line: az prints `ERROR: (Code) Message`, then Code:/Message: lines. */
function toolSaid(stderr: string): string {
  const lines = stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim())
  const error = lines.find((l) => l.startsWith('ERROR: '))
  return (error ? error.slice('ERROR: '.length) : (lines.find(Boolean) ?? '')).trim()
}
