/** The catalogue's network entries: failures below HTTP at any stage (network.ts reads them). */
import type { EntrySpec } from './spec.js'
import { block } from './common.js'

const TLS_FIX = [
  "Give Node.js your proxy's root CA. Node reads it only at start, so set it in the job's or step's env:",
  block('env:', '  NODE_EXTRA_CA_CERTS: /path/to/proxy-root-ca.pem'),
  'Never turn verification off (NODE_TLS_REJECT_UNAUTHORIZED=0): the tokens would travel to whoever intercepts them.'
].join('\n')

export const NETWORK = {
  'network-dns': {
    section: 'Network',
    heading: 'A host cannot be resolved',
    cases: {
      openai: {
        when: 'Azure OpenAI’s host',
        title: 'Cannot resolve {{host}} ({{code}})',
        cause:
          'The DNS lookup of {{host}} failed while {{doing}}. Check the `endpoint` input for a typo: it is the resource’s own host, e.g. https://NAME.openai.azure.com. A resource behind a private endpoint resolves only inside its virtual network (private DNS zone privatelink.openai.azure.com), which a GitHub-hosted runner is not in.',
        fix: `Check the name from the runner, and fix the \`endpoint\` input or the runner's DNS:\n${block('nslookup {{host}}')}`
      },
      entra: {
        when: 'Entra ID’s host',
        title: 'Cannot resolve {{host}} ({{code}})',
        cause:
          'The DNS lookup of {{host}} failed while {{doing}}. Check the `authority-host` and `cloud` inputs (leave `authority-host` empty for the public clouds).',
        fix: `Check the name from the runner, and fix the \`authority-host\` input or the runner's DNS:\n${block('nslookup {{host}}')}`
      },
      github: {
        when: 'A GitHub host',
        title: 'Cannot resolve {{host}} ({{code}})',
        cause:
          'The DNS lookup of {{host}} failed while {{doing}}. GitHub’s hosts resolve from any connected runner, so the runner’s DNS or network is at fault.',
        fix: `Check the name from the runner, and fix the runner's DNS:\n${block('nslookup {{host}}')}`
      }
    }
  },
  'network-refused': {
    section: 'Network',
    heading: 'A connection was refused or reset',
    cases: {
      default: {
        title: 'Connection to {{host}} failed ({{code}})',
        cause:
          "The connection was refused or cut while {{doing}}: a firewall, a proxy, or the runner's network stands in the way.",
        fix: 'Allow outbound HTTPS (port 443) from the runner to {{host}}, or route it through the proxy your network requires.{{probe}}'
      }
    }
  },
  'network-timeout': {
    section: 'Network',
    heading: 'A connection timed out',
    cases: {
      openai: {
        when: 'Azure OpenAI’s host',
        title: 'No answer from {{host}} in time ({{code}})',
        cause:
          'The connection timed out while {{doing}}. Packets are likely dropped by a firewall, or the resource is reachable only through a private endpoint that this runner is outside of.',
        fix: 'Allow outbound HTTPS (port 443) from the runner to {{host}}, or use a self-hosted runner inside the resource’s virtual network.{{probe}}'
      },
      other: {
        when: 'Another host',
        title: 'No answer from {{host}} in time ({{code}})',
        cause:
          'The connection timed out while {{doing}}. Packets are likely dropped by a firewall.',
        fix: 'Allow outbound HTTPS (port 443) from the runner to {{host}}.{{probe}}'
      }
    }
  },
  'network-tls': {
    section: 'Network',
    heading: 'A TLS certificate is not trusted',
    cases: {
      untrusted: {
        when: 'The chain ends in an unknown CA',
        title: 'The TLS certificate of {{host}} is not trusted ({{code}})',
        cause:
          'The certificate chain presented for {{host}} ends in a CA that Node.js does not trust: typically a TLS-intercepting proxy or firewall on a self-hosted runner’s network re-signs HTTPS traffic. This happened while {{doing}}.',
        fix: TLS_FIX
      },
      altname: {
        when: 'The certificate names another host',
        title: 'The TLS certificate of {{host}} is not trusted ({{code}})',
        cause:
          'The certificate presented does not name {{host}}: a TLS-intercepting proxy answered, or the host points at another server. This happened while {{doing}}.',
        fix: TLS_FIX
      },
      validity: {
        when: 'The certificate is expired or not yet valid',
        title: 'The TLS certificate of {{host}} is not trusted ({{code}})',
        cause:
          'The certificate presented is outside its validity period: a TLS-intercepting proxy with a stale certificate, or a runner clock that is far off. This happened while {{doing}}.',
        fix: TLS_FIX
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
