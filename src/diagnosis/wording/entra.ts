/**
 * The catalogue's Entra ID entries: refusals of the federated token exchange by AADSTS code, and
 * an authority that could not be reached (entra.ts and federation.ts read them).
 */
import type { EntrySpec } from './spec.js'
import { LIST_CREDENTIALS_QUERY, PERMISSIONS_YAML, SUBJECT_RULES, block } from './common.js'

/** A credential made moments ago is refused until it propagates; the retries come first. */
const PROPAGATION =
  'A federated credential created in the last few minutes can take a few minutes to be honoured, and Entra ID refuses the token meanwhile: this run retried before giving up, so if you added the credential just now, wait a few minutes and re-run.'

const LIST_CREDENTIALS = [
  block(`az ad app federated-credential list --id {{client-id}} --query ${LIST_CREDENTIALS_QUERY}`),
  'or, on a user-assigned managed identity:',
  block(
    `az identity federated-credential list --identity-name IDENTITY_NAME --resource-group RESOURCE_GROUP --query ${LIST_CREDENTIALS_QUERY}`
  )
].join('\n')

const READ_AUDIENCES = `Read the audiences of the credential for this subject:\n${LIST_CREDENTIALS}`

export const ENTRA = {
  aadsts700213: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS700213: no federated credential matches the subject',
    cases: {
      default: {
        title: "No federated credential matches this workflow's subject (AADSTS700213)",
        cause: `Entra ID found no federated identity credential on client {{client-id}} for the subject of the GitHub ID token. ${SUBJECT_RULES}\n${PROPAGATION}`,
        fix: 'Add a federated credential for this exact subject:\n{{add-credential}}'
      }
    }
  },
  aadsts7002138: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS7002138: a credential matches only when case is ignored',
    cases: {
      default: {
        title:
          'A federated credential matches this subject only when case is ignored (AADSTS7002138)',
        cause: `A credential's subject differs from the token's only in letter case (a renamed owner or repository, or a hand-typed branch). ${SUBJECT_RULES}`,
        fix: [
          'Find the credential that differs only in case and delete it:',
          block(
            'az ad app federated-credential list --id {{client-id}} --query "[].{name:name, subject:subject}" -o table',
            'az ad app federated-credential delete --id {{client-id}} --federated-credential-id NAME'
          ),
          'then add the exact subject:\n{{add-credential}}'
        ].join('\n')
      }
    }
  },
  aadsts700211: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS700211: no credential has this issuer',
    cases: {
      default: {
        title: "No federated credential has this token's issuer (AADSTS700211)",
        cause:
          'The credential’s issuer must equal the token’s `iss` exactly: https://token.actions.githubusercontent.com (no trailing slash), or with your enterprise’s slug appended when the enterprise customised it.',
        fix: 'Add (or correct) the credential with the issuer printed here:\n{{add-credential}}'
      }
    }
  },
  aadsts700212: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS700212: no credential accepts this audience',
    about:
      'Entra ID answers “No matching federated identity record found for presented assertion audience …” when a credential matches the subject but lists other audiences. The credential cannot be read from the workflow, so the fix prints how to read it.',
    cases: {
      'custom-credential': {
        when: 'The token has the default audience: the credential was made with another one',
        title: "No federated credential accepts this token's audience (AADSTS700212)",
        cause:
          "The GitHub ID token's audience, '{{audience}}', is {{cloud}}'s default, but the federated credential for this subject was created with another audience. The token's audience is the `audience` input.",
        fix: `Find the credential for this subject, its name and its audiences:\n${LIST_CREDENTIALS}\nThen give it the default audience, the token's. Entra ID holds one credential per issuer and subject, so delete it (CREDENTIAL_NAME: its name) and create it again with the token's issuer, subject and audience:\n{{replace-credential}}\nOr keep the credential and set the \`audience\` input to its audience:\n${block('with:', '  audience: CREDENTIAL_AUDIENCE')}`
      },
      'custom-input': {
        when: 'The `audience` input asks for an audience the credential does not list',
        title: "No federated credential accepts this token's audience (AADSTS700212)",
        cause:
          "The GitHub ID token was requested for audience '{{audience}}' by the `audience` input, and the federated credential for this subject does not list it. Credentials made by the portal or `az` use {{cloud}}'s default, {{default-audience}}.",
        fix: `${READ_AUDIENCES}\nthen set the \`audience\` input to the credential's audience, or remove the input to use the default ({{default-audience}}):\n${block('with:', '  audience: CREDENTIAL_AUDIENCE')}`
      }
    }
  },
  aadsts70021: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS70021: no credential matches issuer, subject and audience',
    about:
      'Entra ID also answers this while a credential created minutes ago propagates, as it sometimes answers AADSTS700213; the action retries both for a few seconds before it reports them.',
    cases: {
      default: {
        title: 'No federated credential matches the GitHub ID token (AADSTS70021)',
        cause: `Entra ID found no credential whose issuer, subject and audience all equal the token's. ${PROPAGATION} ${SUBJECT_RULES}`,
        fix: [
          'Compare the existing credentials with the claims printed here:',
          block('az ad app federated-credential list --id {{client-id}} -o table'),
          'If none matches, add one (then wait a few minutes before re-running):\n{{add-credential}}'
        ].join('\n')
      }
    }
  },
  aadsts700024: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS700024: the assertion is outside its valid time',
    cases: {
      default: {
        title: 'The GitHub ID token was outside its valid time (AADSTS700024)',
        cause:
          'GitHub ID tokens live five minutes. This action fetches a fresh one for every exchange, so a token Entra ID calls expired or not yet valid almost always means the runner’s clock is off (a self-hosted runner), or the job stalled between fetching and presenting it.',
        fix: 'Synchronise the runner’s clock (e.g. `sudo timedatectl set-ntp true`, or `chronyc makestep`), then re-run the job.'
      }
    }
  },
  aadsts700016: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS700016: the application is not in the tenant',
    cases: {
      default: {
        title: 'Client {{client-id}} is not in tenant {{tenant-id}} (AADSTS700016)',
        cause:
          'Entra ID knows no application with this client id in this tenant. The `client-id` / `tenant-id` pair is wrong (a copied object id instead of the client id, or another tenant’s app), or the app has no service principal there. The app or identity must live in the tenant you sign in to.',
        fix: [
          'Signed in to the tenant, check the pair:',
          block(
            'az ad sp show --id {{client-id}} --query "{appId:appId, tenant:appOwnerOrganizationId, name:displayName}"',
            'az account show --query tenantId -o tsv'
          ),
          'For a user-assigned managed identity, use its client id:',
          block(
            'az identity show --name IDENTITY_NAME --resource-group RESOURCE_GROUP --query "{clientId:clientId, tenantId:tenantId}"'
          )
        ].join('\n')
      }
    }
  },
  aadsts90002: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS90002: the tenant was not found',
    cases: {
      default: {
        title: 'Tenant {{tenant-id}} was not found in {{cloud}} (AADSTS90002)',
        cause:
          'No tenant has this id at {{authority-host}}. The `tenant-id` is mistyped, or the tenant lives in another cloud: an Azure Government or Azure China tenant exists only there (`cloud: AzureUSGovernment` / `cloud: AzureChinaCloud`).',
        fix: [
          'Get the tenant id where the app or identity lives, and set `tenant-id` (and `cloud`, if it is not AzureCloud):',
          block('az account show --query "{tenantId:tenantId, cloud:environmentName}"'),
          block(
            'with:',
            '  tenant-id: TENANT_ID',
            '  cloud: AzureUSGovernment  # only for a US Government tenant'
          )
        ].join('\n')
      }
    }
  },
  aadsts500011: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS500011: the resource of the scope is unknown',
    cases: {
      default: {
        title: 'Entra ID does not know the resource of scope {{scope}} (AADSTS500011)',
        cause:
          "The token was requested for a resource that does not exist in this tenant's cloud. Azure OpenAI's scope in {{cloud}} is {{cloud-scope}}; the `scope` input and the `cloud` input must agree with the resource's cloud. Behind a gateway, the scope names the gateway's app: its application ID URI must exist in this tenant.",
        fix: [
          'Remove the `scope` input (it follows `cloud`), or set it to:',
          block('with:', '  scope: {{cloud-scope}}')
        ].join('\n')
      }
    }
  },
  aadsts7000215: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS7000215 / AADSTS7000218: no client assertion arrived',
    page: { code: '7000215' },
    cases: {
      default: {
        title: 'Entra ID received no client assertion (AADSTS{{code}})',
        cause:
          'This action never uses a client secret: it presents the GitHub ID token as a client assertion. Entra ID saw none, so the token handed over was most likely empty.',
        fix: `Check that the job grants \`id-token: write\` and re-run with ACTIONS_STEP_DEBUG=true to see the ID token request.\n${PERMISSIONS_YAML}`
      }
    }
  },
  aadsts50013: {
    section: 'Entra ID (AADSTS codes)',
    heading: 'AADSTS50013: the assertion did not validate',
    cases: {
      default: {
        title: 'Entra ID could not validate the GitHub ID token (AADSTS50013)',
        cause:
          "The assertion's signature or issuer did not validate: Entra ID fetches the signing keys from the issuer's `/.well-known/openid-configuration`, which must be publicly reachable (a GitHub Enterprise Server issuer often is not), and the credential's issuer must be the token's `iss`.",
        fix: [
          'Check that the issuer serves its keys publicly, and that the credential uses exactly this issuer:',
          block('curl -sS {{issuer-metadata}}'),
          '{{add-credential}}'
        ].join('\n')
      }
    }
  },
  'other-aadsts-codes': {
    section: 'Entra ID (AADSTS codes)',
    heading: 'Another AADSTS code',
    page: { code: 'NNNN' },
    cases: {
      default: {
        title: 'Entra ID refused the token request (AADSTS{{code}})',
        cause:
          'Entra ID answered with AADSTS{{code}}, which this action has no specific advice for.',
        fix: "Read Microsoft's explanation at https://login.microsoftonline.com/error?code={{code}} and compare it with the facts above."
      }
    }
  },
  'entra-unreachable': {
    section: 'Entra ID (AADSTS codes)',
    heading: "Entra ID's authority could not be resolved or reached",
    about:
      'MSAL says only `endpoints_resolution_error`, so the action then asks the metadata document itself: an AADSTS answer or a network error found that way is diagnosed as such, and printed as `probe` otherwise.',
    cases: {
      resolving: {
        when: 'MSAL could not read the tenant’s OpenID metadata',
        title: "Entra ID's authority {{authority-host}} could not be resolved",
        cause:
          "MSAL could not read the tenant's OpenID metadata: the host is unreachable or untrusted from the runner, or it served no valid openid-configuration for this tenant.",
        fix: `Check from the runner, and check the \`authority-host\`, \`cloud\` and \`tenant-id\` inputs (leave \`authority-host\` empty for the public clouds):\n${block('curl -sS {{metadata-url}}')}`
      },
      network: {
        when: 'The token request got no HTTP answer',
        title: 'The token request to {{authority-host}} failed on the network',
        cause:
          'The request to Entra ID’s token endpoint got no HTTP answer: a firewall, proxy or DNS problem on the runner.',
        fix: `Check from the runner, and check the \`authority-host\`, \`cloud\` and \`tenant-id\` inputs (leave \`authority-host\` empty for the public clouds):\n${block('curl -sS {{metadata-url}}')}`
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
