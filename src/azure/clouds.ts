/** The Azure clouds: where Entra lives, what scope Azure OpenAI expects, what audience GitHub mints for. */
export const CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const
export type CloudName = (typeof CLOUD_NAMES)[number]

export interface Cloud {
  readonly authorityHost: string
  readonly scope: string
  readonly audience: string
}

export const CLOUDS: Readonly<Record<CloudName, Cloud>> = {
  AzureCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    scope: 'https://cognitiveservices.azure.com/.default',
    audience: 'api://AzureADTokenExchange'
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    scope: 'https://cognitiveservices.azure.us/.default',
    audience: 'api://AzureADTokenExchangeUSGov'
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    scope: 'https://cognitiveservices.azure.cn/.default',
    audience: 'api://AzureADTokenExchangeChina'
  }
}

/** Entra hosts MSAL's instance discovery knows; any other host must skip discovery. */
const KNOWN_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn'
])

export function isKnownAuthorityHost(authorityHost: string): boolean {
  return KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase())
}
