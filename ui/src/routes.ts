// The product's pages and hash routing (`#/agents`): no router dependency for ten flat pages.
import { useEffect, useState } from 'react';

export interface PageInfo {
  id: string;
  label: string;
  /** One sentence on what the page is for, shown until the page exists. */
  summary: string;
}

export const PAGES: readonly PageInfo[] = [
  { id: 'dashboard', label: 'Dashboard', summary: 'Counts of agents and workflows, recent runs, and success-rate and duration charts.' },
  { id: 'agents', label: 'Agents', summary: 'Create, edit, version and delete agents.' },
  { id: 'workflows', label: 'Workflows', summary: 'Build multi-step workflows on a canvas, validate them as you edit and run them locally.' },
  { id: 'templates', label: 'Templates', summary: 'Browse, rate and instantiate agent and workflow templates, or save your own as one.' },
  { id: 'executions', label: 'Executions', summary: 'The history of runs with a per-step timeline and logs, and re-running a past run.' },
  { id: 'deployments', label: 'Deployments', summary: 'Deploy workflows to environments and follow their status.' },
  { id: 'api-keys', label: 'API Keys', summary: 'Create and revoke the API keys that let other programs call your workflows.' },
  { id: 'audit-log', label: 'Audit Log', summary: 'Every change to your data: who made it, when, and what changed.' },
  { id: 'data', label: 'Data', summary: 'Browse and inspect every table of the local database.' },
  { id: 'settings', label: 'Settings', summary: 'The database file, backup and restore, the LLM endpoint and sync with a hosted project.' },
];

export const DEFAULT_PAGE = 'agents';

/** The page id in `#/<id>`, or the default page for an empty or unknown hash. */
export function pageFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return PAGES.some((p) => p.id === id) ? id : DEFAULT_PAGE;
}

/** The path segments after the page id: `#/workflows/<id>` → `['<id>']`. */
export function subpathFromHash(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('?')[0]!
    .split('/')
    .slice(1)
    .filter((s) => s !== '')
    .map(decodeURIComponent);
}

/** The link to a page, with optional path segments: `href('workflows', id)`. */
export function href(page: string, ...segments: string[]): string {
  return `#/${[page, ...segments.map(encodeURIComponent)].join('/')}`;
}

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

/** The current page id. */
export function useHashRoute(): string {
  return pageFromHash(useHash());
}

/** The current page's path segments (e.g. the id of the workflow open in the builder). */
export function useSubpath(): string[] {
  return subpathFromHash(useHash());
}
