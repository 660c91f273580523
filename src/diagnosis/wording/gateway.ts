/**
 * The catalogue's gateway entry: an Azure API Management gateway in front of Azure OpenAI that
 * refused the request with its own 401 (openai-gateway.ts reads it). See docs/gateway.md.
 */
import type { EntrySpec } from './spec.js'
import { block } from './common.js'

export const GATEWAY = {
  'gateway-401': {
    section: 'Gateways in front of Azure OpenAI',
    heading: '401 from a gateway: `Invalid JWT.`, `JWT not present.`, or a subscription key',
    about:
      'An Azure API Management gateway in front of Azure OpenAI answers `{"statusCode": 401, "message": "…"}` when its own token validation (`validate-azure-ad-token` or `validate-jwt`) refuses a request: `Invalid JWT.` or `JWT not present.` unless the policy sets `failed-validation-error-message`. Azure OpenAI never answers so, which is how the action tells that the gateway refused. [gateway.md](gateway.md) sets such a gateway up end to end.',
    page: { 'gateway-says': 'Invalid JWT.' },
    cases: {
      'openai-token': {
        when: 'The token was issued for Azure OpenAI, not for the gateway',
        title: 'A gateway in front of Azure OpenAI refused the token (401 “{{gateway-says}}”)',
        cause:
          'The gateway at {{endpoint}}, not Azure OpenAI, refused the access token: it accepts tokens for its own app registration only, and this one was issued for Azure OpenAI ({{audience}}), as the `scope` input {{scope}} asked.',
        fix: [
          "Ask Entra ID for a token for the gateway's app: set `scope` to the gateway app's application ID URI, and give the review identity the gateway app's role (docs/gateway.md):",
          block('with:', '  scope: api://GATEWAY_APP_ID/.default'),
          "Find the gateway app's application ID URI:",
          block(
            'az ad app list --display-name GATEWAY_APP_NAME --query "[].{appId:appId, identifierUris:identifierUris}"'
          )
        ].join('\n')
      },
      'no-role': {
        when: "The token was issued for the gateway's app but holds none of its roles",
        title: 'A gateway in front of Azure OpenAI refused the token (401 “{{gateway-says}}”)',
        cause:
          "The gateway at {{endpoint}}, not Azure OpenAI, refused a token issued for {{audience}} that carries no `roles` claim: the review identity holds no app role of the gateway's app, and the gateway's policy requires one.",
        fix: [
          "Assign the gateway app's role to the review identity, then re-run:",
          block(
            `az rest --method POST --uri https://graph.microsoft.com/v1.0/servicePrincipals/{{principal-id}}/appRoleAssignments --body '{"principalId":"{{principal-id}}","resourceId":"GATEWAY_SP_OBJECT_ID","appRoleId":"APP_ROLE_ID"}'`
          ),
          "Find the gateway app's service principal and role ids:",
          block(
            'az ad sp show --id GATEWAY_APP_ID --query "{id:id, appRoles:appRoles[].{id:id, value:value}}"'
          )
        ].join('\n')
      },
      policy: {
        when: "The token was issued for the gateway's app and holds a role",
        title: 'A gateway in front of Azure OpenAI refused the token (401 “{{gateway-says}}”)',
        cause:
          'The gateway at {{endpoint}}, not Azure OpenAI, refused a token issued for {{audience}} with roles {{roles}}: its policy checks more than the audience (the tenant, the caller’s app id, required claims).',
        fix: "Compare the gateway's policy with the token's claims printed here: `<audiences>` must list {{audience}}, `<client-application-ids>` the review identity's app id {{app-id}}, `tenant-id` the token's tenant {{token-tenant}}, and `<required-claims>` a role it holds. The `scope` input is right: the token is the gateway's."
      },
      'no-token': {
        when: 'The gateway found no token in the request',
        title: 'A gateway in front of Azure OpenAI found no token (401 “JWT not present.”)',
        cause:
          'The gateway at {{endpoint}}, not Azure OpenAI, did not find the token this action sends as `Authorization: Bearer …`: its policy reads the token from another header or a query parameter, or a policy before it removes the header.',
        fix: [
          "Make the gateway's token validation read the Authorization header (validate-azure-ad-token's default), before any policy rewrites it:",
          block('<validate-azure-ad-token tenant-id="TENANT_ID" header-name="Authorization">')
        ].join('\n')
      },
      'subscription-key': {
        when: 'The gateway requires an API Management subscription key',
        title: 'A gateway in front of Azure OpenAI wants an API Management subscription key (401)',
        cause:
          'The gateway at {{endpoint}}, not Azure OpenAI, requires a subscription key for this API. This action is keyless: it sends only the Entra token.',
        fix: [
          "Turn off the API's subscription requirement and let the gateway validate the Entra token instead (docs/gateway.md):",
          block(
            'az apim api update --resource-group RESOURCE_GROUP --service-name APIM_NAME --api-id API_ID --subscription-required false'
          )
        ].join('\n')
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
