/**
 * Bodies Azure OpenAI answers with. Two families coexist on the wire: the gateway's own
 * `{"error":{"code","message"}}` and the model service's OpenAI-style
 * `{"error":{"message","type","param","code"}}`.
 */

export const UNAUTHORIZED = {
  statusCode: 401,
  message:
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.'
} as const

export function gatewayError(
  code: string,
  message: string
): { error: { code: string; message: string } } {
  return { error: { code, message } }
}

export function modelError(
  message: string,
  param: string | null,
  code: string | null,
  type = 'invalid_request_error'
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param, code } }
}

export const NOT_FOUND = gatewayError('404', 'Resource not found')

/** An api-version the route does not serve (openai/codex#3725, the v1 path with a dated version). */
export const API_VERSION_NOT_SUPPORTED = gatewayError('BadRequest', 'API version not supported')

/** An Entra token sent to a resource through a host other than its custom subdomain. */
export const CUSTOM_SUBDOMAIN_REQUIRED = gatewayError(
  'BadRequest',
  'Please provide a custom subdomain for token authentication, otherwise API key is required.'
)

export const KEY_AUTH_DISABLED = gatewayError(
  'AuthenticationTypeDisabled',
  'Key based authentication is disabled for this resource.'
)

export const INVALID_KEY = gatewayError(
  '401',
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'
)

export const PERMISSION_DENIED = gatewayError(
  'PermissionDenied',
  'Principal does not have access to API/Operation.'
)

export const DEPLOYMENT_NOT_FOUND = gatewayError(
  'DeploymentNotFound',
  'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'
)

export const PUBLIC_ACCESS_DISABLED = gatewayError(
  '403',
  'Public access is disabled. Please configure private endpoint.'
)

export const FIREWALL_DENIED = gatewayError(
  '403',
  'Access denied due to Virtual Network/Firewall rules.'
)

export function rateLimited(
  apiVersion: string,
  retryAfterSeconds: number
): ReturnType<typeof gatewayError> {
  return gatewayError(
    '429',
    `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have exceeded token rate limit of your current AIServices S0 pricing tier. Please retry after ${retryAfterSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`
  )
}

export function serverError(status: number): unknown {
  return status === 503
    ? gatewayError(
        'ServiceUnavailable',
        'The service is temporarily unable to process your request. Please try again later.'
      )
    : modelError(
        'The server had an error while processing your request. Sorry about that!',
        null,
        null,
        'server_error'
      )
}

export function contextLengthExceeded(window: number, prompt: number, completion: number): unknown {
  const tail =
    completion > 0
      ? `However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`
      : `However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`
  return modelError(
    `This model's maximum context length is ${window} tokens. ${tail}`,
    'messages',
    'context_length_exceeded'
  )
}

type Severity = 'safe' | 'low' | 'medium' | 'high'

/** Azure's per-category content filter verdicts; `hit` is the category that tripped. */
export function filterResults(hit?: string): Record<string, unknown> {
  const category = (name: string): { filtered: boolean; severity: Severity } => ({
    filtered: name === hit,
    severity: name === hit ? 'high' : 'safe'
  })
  return {
    hate: category('hate'),
    self_harm: category('self_harm'),
    sexual: category('sexual'),
    violence: category('violence'),
    jailbreak: { filtered: hit === 'jailbreak', detected: hit === 'jailbreak' }
  }
}

export function promptFiltered(category = 'violence'): unknown {
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: filterResults(category)
      }
    }
  }
}
