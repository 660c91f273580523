/**
 * The catalogue's Azure OpenAI entries: who the resource refuses and why, and what it says about
 * the request (openai.ts and openai-access.ts read them).
 */
import type { EntrySpec } from './spec.js'
import { block } from './common.js'

const CUSTOM_DOMAIN = block(
  'az cognitiveservices account update --name ACCOUNT_NAME --resource-group RESOURCE_GROUP --custom-domain ACCOUNT_NAME'
)

const API_VERSION_FIX = [
  'Use the GA version, or leave `api-version` empty for the v1 API, and give the resource root as endpoint:',
  block(
    'with:',
    '  api-version: 2024-10-21',
    '  endpoint: https://{{account-name}}.openai.azure.com'
  )
].join('\n')

export const OPENAI = {
  permissiondenied: {
    section: 'Azure OpenAI',
    heading: '401 `PermissionDenied`: the identity lacks the role',
    cases: {
      default: {
        title: 'The identity lacks the Cognitive Services OpenAI User role on {{account-name}}',
        cause:
          'Azure OpenAI accepted the token, but its principal has no data-plane role on the resource. Owner or Contributor are not enough: calling a deployment needs Cognitive Services OpenAI User. A new role assignment takes about 5 minutes, sometimes longer, to apply.',
        fix: [
          'Assign the role on the resource, wait a few minutes, and re-run:',
          block(
            'az role assignment create --assignee-object-id {{assignee}} --assignee-principal-type {{principal-type}} --role "Cognitive Services OpenAI User" --scope $(az cognitiveservices account show --name {{account-name}} --resource-group RESOURCE_GROUP --query id -o tsv)'
          )
        ].join('\n')
      }
    }
  },
  'openai-401-unauthorized': {
    section: 'Azure OpenAI',
    heading: '401 `Unauthorized. Access token is missing, invalid, audience is incorrect…`',
    about:
      'Azure OpenAI gives the same answer for every token it refuses; the action tells the cases apart by the claims of the token it sent (decoded, never printed).',
    cases: {
      'wrong-audience': {
        when: 'The token was issued for another resource (a wrong `scope` input)',
        title: 'Azure OpenAI rejected a token issued for {{audience}} (401)',
        cause:
          "The access token's audience is {{audience}}, not Azure OpenAI's: the `scope` input asked Entra ID for {{scope}}. Azure OpenAI in {{cloud}} accepts tokens requested with scope {{cloud-scope}}.",
        fix: [
          'Remove the `scope` input (it follows `cloud`), or set it to Azure OpenAI’s scope:',
          block('with:', '  scope: {{cloud-scope}}')
        ].join('\n')
      },
      expired: {
        when: 'The token had expired',
        title: 'Azure OpenAI rejected an expired access token (401)',
        cause:
          'The token had expired when it reached Azure OpenAI. The action fetches a token with minutes to spare before each request, so the runner’s clock is likely off, or a request waited very long.',
        fix: 'Re-run the job; on a self-hosted runner, synchronise its clock (e.g. `sudo timedatectl set-ntp true`).'
      },
      other: {
        when: 'The token was issued for Azure OpenAI and had not expired',
        title: 'Azure OpenAI rejected the access token (401)',
        cause:
          "Azure OpenAI refused a token issued for its own audience ({{audience}}): most likely the resource belongs to another tenant than the token's ({{token-tenant}}), or to another cloud than `cloud: {{cloud}}`.",
        fix: [
          'Set `tenant-id` to the tenant of the resource’s subscription, and `cloud` to its cloud:',
          block(
            'az account show --subscription SUBSCRIPTION_ID --query "{tenantId:tenantId, cloud:environmentName}"'
          )
        ].join('\n')
      }
    }
  },
  'api-key': {
    section: 'Azure OpenAI',
    heading: 'An API key got involved',
    cases: {
      default: {
        title: 'An API key got involved; this action is keyless',
        cause:
          'Azure OpenAI answered about an `api-key` (sent, or refused because key authentication is disabled), or the client refused to mix a key with the Entra token. This action authenticates with Entra ID tokens only; a key comes from the environment (AZURE_OPENAI_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL) or from a gateway that adds one. The answer “invalid subscription key or wrong API endpoint” also means the endpoint is not the resource’s own custom subdomain.',
        fix: "Remove AZURE_OPENAI_API_KEY, OPENAI_API_KEY and OPENAI_BASE_URL from the workflow's and job's `env:`; a gateway must forward the Authorization header unchanged and add no key; the `endpoint` must be https://NAME.openai.azure.com (or .cognitiveservices.azure.com)."
      }
    }
  },
  'regional-endpoint': {
    section: 'Azure OpenAI',
    heading: 'A regional endpoint does not accept Entra tokens',
    cases: {
      default: {
        title: 'Regional endpoints do not accept Entra ID tokens',
        cause:
          '{{endpoint}} is a shared regional endpoint. Microsoft Entra ID authentication needs the resource’s own custom subdomain (https://NAME.openai.azure.com).',
        fix: [
          'Give the resource a custom subdomain (a one-time, irreversible change), then use it as `endpoint`:',
          CUSTOM_DOMAIN,
          block('with:', '  endpoint: https://ACCOUNT_NAME.openai.azure.com')
        ].join('\n')
      }
    }
  },
  'custom-subdomain': {
    section: 'Azure OpenAI',
    heading: '400 `Please provide a custom subdomain for token authentication`',
    about:
      'Azure OpenAI answers this to an Entra token that reached the resource through a host other than its custom subdomain, whatever host the action called: a gateway whose backend is a regional endpoint gets it too.',
    cases: {
      default: {
        title: 'Azure OpenAI accepts Entra ID tokens only on the resource’s custom subdomain (400)',
        cause:
          'Azure OpenAI answered “Please provide a custom subdomain for token authentication, otherwise API key is required.” to a request sent to {{endpoint}}: the request reached the resource through a host that is not its own custom subdomain (a regional endpoint such as https://REGION.api.cognitive.microsoft.com, or a gateway whose backend is one).',
        fix: [
          'Give the resource a custom subdomain (a one-time, irreversible change), then use it as the `endpoint` input (behind a gateway: as the gateway’s backend URL):',
          CUSTOM_DOMAIN,
          block('with:', '  endpoint: https://ACCOUNT_NAME.openai.azure.com')
        ].join('\n')
      }
    }
  },
  'openai-403-network-rules': {
    section: 'Azure OpenAI',
    heading: '403: the resource’s network rules refuse the runner',
    cases: {
      default: {
        title: "{{account-name}} does not accept traffic from this runner's network (403)",
        cause:
          'The resource has public network access disabled or restricted to selected networks / private endpoints. GitHub-hosted runners come from changing public addresses.',
        fix: [
          'Run on a self-hosted runner inside the resource’s virtual network (private endpoint), or allow the runner’s static public IP:',
          block(
            'az cognitiveservices account network-rule add --name {{account-name}} --resource-group RESOURCE_GROUP --ip-address RUNNER_PUBLIC_IP'
          )
        ].join('\n')
      }
    }
  },
  deploymentnotfound: {
    section: 'Azure OpenAI',
    heading: '404 `DeploymentNotFound`',
    cases: {
      default: {
        title: "Deployment '{{deployment}}' was not found on {{account-name}}",
        cause:
          'The resource has no deployment by this name. A deployment name is the one you chose when deploying, not necessarily the model’s name; a deployment created in the last 5 minutes may not be served yet.',
        fix: [
          'List the deployments and set the `deployment` input (and `summary-deployment`, if used) to one of them:',
          block(
            'az cognitiveservices account deployment list --name {{account-name}} --resource-group RESOURCE_GROUP --query "[].name" -o tsv'
          )
        ].join('\n')
      }
    }
  },
  'api-version-not-found': {
    section: 'Azure OpenAI',
    heading:
      'The `api-version` is unknown (404 on the classic API, or 400 `API version not supported`)',
    cases: {
      'not-found': {
        when: 'Azure OpenAI answered 404',
        title: 'Azure OpenAI found no API at api-version {{api-version}} (404)',
        cause:
          'The classic path {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=… was not found: this api-version is unknown to the resource, or `endpoint` is not the resource root (no path, no /openai).',
        fix: API_VERSION_FIX
      },
      'not-supported': {
        when: 'Azure OpenAI answered 400 “API version not supported”',
        title: 'Azure OpenAI does not support api-version {{api-version}} (400)',
        cause:
          'Azure OpenAI answered “API version not supported”: the resource (or the API behind this endpoint) serves no such api-version. A model version such as 2024-11-20 is not an API version, and the v1 API takes none.',
        fix: API_VERSION_FIX
      }
    }
  },
  'v1-api-not-found': {
    section: 'Azure OpenAI',
    heading: '404 on the v1 API',
    cases: {
      default: {
        title: 'The endpoint does not serve the v1 API (404)',
        cause:
          '{{endpoint}}/openai/v1/chat/completions was not found. Gateways (an API Management path) and some resources expose only the classic API; or `endpoint` is not the resource root.',
        fix: [
          'Use the classic API by setting an api-version:',
          block('with:', '  api-version: 2024-10-21')
        ].join('\n')
      }
    }
  },
  'throttled-429': {
    section: 'Azure OpenAI',
    heading: '429: throttled through every retry',
    about:
      'The action honours `retry-after-ms` / `retry-after` and retries before it reports this.',
    cases: {
      default: {
        title: "Azure OpenAI kept throttling deployment '{{deployment}}' (429)",
        cause:
          'The deployment’s tokens-per-minute or requests-per-minute quota stayed exhausted through the client’s retries.',
        fix: [
          'Raise the deployment’s TPM quota (Azure AI Foundry → Deployments → Edit), or lower this action’s load:',
          block('with:', '  concurrency: 1', '  token-budget: 100000')
        ].join('\n')
      }
    }
  },
  'openai-5xx': {
    section: 'Azure OpenAI',
    heading: '5xx through every retry',
    cases: {
      default: {
        title: 'Azure OpenAI failed with HTTP {{status}}, retries included',
        cause:
          'The service, or a gateway in front of it, kept failing: an outage or overload in the deployment’s region.',
        fix: 'Re-run later and check https://azure.status.microsoft/status; if it persists, deploy the model in another region and point `endpoint` / `deployment` at it.'
      }
    }
  },
  'context-length-exceeded': {
    section: 'Azure OpenAI',
    heading: 'A request exceeded the model’s context window',
    about:
      'The action keeps each request far below the window and re-packs a refused one into smaller ones; this is reported only if that failed too.',
    cases: {
      default: {
        title: 'A request exceeded the model’s context window',
        cause:
          'The prompt plus the requested output is longer than the deployment’s model accepts.',
        fix: [
          'Spend less per run, or leave large files out:',
          block('with:', '  token-budget: 100000', '  exclude: |', '    **/*.snap')
        ].join('\n')
      }
    }
  },
  'content-filter': {
    section: 'Azure OpenAI',
    heading: 'The content filter blocked a request',
    about: 'In a review, the part is listed as not reviewed and the rest goes on.',
    cases: {
      default: {
        title: 'Azure OpenAI’s content filter blocked the request',
        cause:
          'The prompt (the pull request’s diff) or the completion tripped the deployment’s content filtering policy.',
        fix: [
          'Leave the triggering files out, or give the deployment a content filter configuration suited to code review (Azure AI Foundry → Guardrails + controls):',
          block('with:', '  exclude: |', '    path/to/file')
        ].join('\n')
      }
    }
  },
  'openai-redirect': {
    section: 'Azure OpenAI',
    heading: '3xx: the endpoint redirected the request',
    about:
      'The action follows no redirect from the model endpoint: following one would send the prompt, the pull request’s code, to an address nobody configured (fetch re-sends the body on a 307 or 308, even to another host or over plain http).',
    cases: {
      default: {
        title:
          'The model endpoint redirected the request ({{status}}); the action follows no redirect',
        cause:
          '{{url}} answered {{status}} with Location {{location}}. Azure OpenAI answers its API itself and never redirects: `endpoint` names something else, such as a gateway or proxy that moved, a host that sends you to a sign-in page, or a custom domain that forwards.',
        fix: [
          'Set `endpoint` to the https address that serves the API itself: the resource root, or your gateway’s own address:',
          block('with:', '  endpoint: https://ACCOUNT_NAME.openai.azure.com')
        ].join('\n')
      }
    }
  },
  'openai-timeout': {
    section: 'Azure OpenAI',
    heading: 'Azure OpenAI did not answer in time',
    cases: {
      default: {
        title: 'Azure OpenAI did not answer in time',
        cause:
          'A request outlived the client’s timeout, retries included: the model was slow on a very large request, or the service was overloaded.',
        fix: `Re-run; if it recurs, send smaller requests:\n${block('with:', '  token-budget: 100000', '  concurrency: 2')}`
      }
    }
  },
  'openai-unreachable': {
    section: 'Azure OpenAI',
    heading: 'Could not connect to Azure OpenAI',
    about: 'A DNS, connection or TLS failure is diagnosed by the network entries below.',
    cases: {
      default: {
        title: 'Could not connect to Azure OpenAI',
        cause: 'The request to {{host}} got no HTTP answer.',
        fix: '{{see-more}}'
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
