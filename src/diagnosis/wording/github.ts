/** The catalogue's GitHub entries: the ID token request and the REST API (github.ts reads them). */
import type { EntrySpec } from './spec.js'
import { DEBUG_FIX, PERMISSIONS_YAML, block } from './common.js'

export const GITHUB_ID_TOKEN = {
  'id-token-write': {
    section: 'GitHub ID token',
    page: { variable: 'ACTIONS_ID_TOKEN_REQUEST_URL' },
    heading:
      '`Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable`, or the token service answers 401/403',
    cases: {
      missing: {
        when: 'The runner gave the job no ID token request variables',
        title: 'The job may not request a GitHub ID token (id-token: write is missing)',
        cause:
          "core.getIDToken found no {{variable}}: GitHub sets it only for jobs granted `id-token: write`. A job-level `permissions:` block replaces the workflow's, and a reusable workflow gets only what its caller grants.",
        fix: `Grant it on the job that runs this action (or on the calling workflow):\n${PERMISSIONS_YAML}`
      },
      refused: {
        when: "The runner's token service refused the request",
        title: 'GitHub refused to mint an ID token (HTTP {{status}})',
        cause:
          "The runner's token service refused the ID token request. The job is not granted `id-token: write` (a job-level `permissions:` block replaces the workflow's; a reusable workflow's caller must grant it), or an organization or enterprise policy forbids it.",
        fix: `Grant it on the job that runs this action, and check the organization's Actions policy:\n${PERMISSIONS_YAML}`
      }
    }
  },
  forks: {
    section: 'GitHub ID token',
    heading: 'A pull request from a fork gets no ID token',
    cases: {
      default: {
        title: 'A pull request from a fork gets no GitHub ID token on pull_request',
        cause:
          'On the `pull_request` event GitHub runs fork pull requests with a read-only token and never grants `id-token: write`, so keyless sign-in is impossible for them.',
        fix: [
          'Let a maintainer comment `/review` on the pull request (runs on issue_comment), or review forks automatically on `pull_request_target` with `allow-forks: true` (this action never checks out or runs the PR’s code, but anyone opening a PR then spends your quota):',
          block(
            'on:',
            '  pull_request_target:',
            '  issue_comment:',
            '    types: [created]',
            'permissions:',
            '  id-token: write',
            '  contents: read',
            '  pull-requests: write',
            '# and on the step:',
            'with:',
            '  allow-forks: true'
          )
        ].join('\n')
      }
    }
  },
  dependabot: {
    section: 'GitHub ID token',
    heading: 'Dependabot runs get no ID token',
    cases: {
      default: {
        title: 'Dependabot runs get no GitHub ID token',
        cause:
          'GitHub gives workflows triggered by Dependabot a read-only GITHUB_TOKEN and never an ID token, whatever `permissions:` says, so there is nothing to present to Entra ID.',
        fix: [
          "Skip Dependabot's runs on the job, and have a maintainer comment `/review` on the pull request when a review is wanted (that run is the maintainer's, on issue_comment, and gets the permissions):",
          block("if: github.actor != 'dependabot[bot]'")
        ].join('\n')
      }
    }
  },
  'id-token-service': {
    section: 'GitHub ID token',
    heading: 'The ID token request failed',
    page: { what: 'HTTP STATUS, no HTTP answer, or an answer without a token' },
    cases: {
      default: {
        title: 'The GitHub ID token request failed ({{what}})',
        cause:
          "The runner's token service did not return an ID token. This is usually a transient GitHub problem.",
        fix: `Re-run the job; if it persists, check https://www.githubstatus.com. ${DEBUG_FIX}`
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>

export const GITHUB_API = {
  'github-401': {
    section: 'GitHub API',
    heading: '401 Bad credentials',
    cases: {
      default: {
        when: 'In a workflow',
        title: 'GitHub rejected the github-token (401 Bad credentials)',
        cause:
          'The token in the `github-token` input is not accepted by GitHub: expired, revoked, or not a token at all.',
        fix: [
          'Remove the `github-token` input to use the job’s own token, or pass a valid one from a secret:',
          block('with:', '  github-token: ${{ secrets.YOUR_TOKEN }}')
        ].join('\n')
      },
      cli: {
        when: 'From the command line (`npx keyless-pr-review`)',
        title: 'GitHub rejected the token (401 Bad credentials)',
        cause:
          'The token in GITHUB_TOKEN (or GH_TOKEN, else from `gh auth token`) is not accepted by GitHub: expired, revoked, or not a token at all.',
        fix: [
          'Sign in with the GitHub CLI and let the command take its token:',
          block('unset GITHUB_TOKEN GH_TOKEN', 'gh auth login')
        ].join('\n')
      }
    }
  },
  'github-403': {
    section: 'GitHub API',
    heading: '403: the token may not do this',
    cases: {
      permission: {
        when: 'The job’s token lacks a permission',
        title: 'github-token may not do this (403)',
        cause:
          'GitHub answered “Resource not accessible by integration”: the job’s token lacks a permission. Commenting and reviewing need `pull-requests: write`; a job-level `permissions:` block replaces the workflow’s, so every permission the job needs must be listed there.',
        fix: `Grant the permission on the job (if github-token is a personal access token, give it the same access):\n${PERMISSIONS_YAML}`
      },
      'read-only': {
        when: 'A fork pull request on `pull_request`, or a Dependabot run',
        title: 'github-token may not do this (403)',
        cause:
          'This run has a read-only GITHUB_TOKEN: GitHub never grants write permissions to fork pull requests on `pull_request` or to Dependabot runs.',
        fix: 'Have a maintainer comment `/review` on the pull request, or run on `pull_request_target` with `allow-forks: true`.'
      }
    }
  },
  'github-404': {
    section: 'GitHub API',
    heading: '404 Not Found',
    cases: {
      default: {
        title: 'GitHub answered 404 Not Found',
        cause:
          'The repository or pull request does not exist or is not visible to the token: `pr-number` may name no pull request of this repository, or the `github-token` (a fine-grained token must list this repository) cannot see it.',
        fix: 'Check the `pr-number` input, and that the `github-token` has access to the repository; without the input the job’s own token is used.'
      }
    }
  },
  'github-rate-limit': {
    section: 'GitHub API',
    heading: 'Rate limited',
    about:
      'The GitHub client waits and retries twice before this is reported; the reset time is printed with the facts.',
    cases: {
      default: {
        title: "GitHub's API rate limit was hit ({{status}})",
        cause: 'The token used up its GitHub API rate limit, or tripped a secondary rate limit.',
        fix: 'Re-run after the reset time; avoid running the action on many pull requests at once.'
      }
    }
  },
  'github-other': {
    section: 'GitHub API',
    heading: 'Another GitHub answer',
    page: { 'github-says': "_GitHub's own message_" },
    cases: {
      default: {
        title: 'GitHub API answered {{status}}',
        cause: '{{github-says}}',
        fix: '{{see-more}}'
      }
    }
  }
} as const satisfies Readonly<Record<string, EntrySpec>>
