// The app frame: a sidebar with the product's pages and the current page beside it.
import { lazy, Suspense, type ComponentType } from 'react';
import { LoadingState } from './components/States';
import { backend } from './ipc';
import { AgentsPage } from './pages/AgentsPage';
import { PAGES, useHashRoute } from './routes';

// Every page but the first one people see is its own chunk, loaded when first opened: the
// canvas and chart libraries stay out of the start-up bundle the webview must parse.
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((module) => ({ default: module[name] })));

/** The component of each page id of routes.ts. */
const PAGE_COMPONENTS: Record<string, ComponentType> = {
  dashboard: page(() => import('./pages/DashboardPage'), 'DashboardPage'),
  agents: AgentsPage,
  workflows: page(() => import('./pages/WorkflowsPage'), 'WorkflowsPage'),
  templates: page(() => import('./pages/TemplatesPage'), 'TemplatesPage'),
  executions: page(() => import('./pages/ExecutionsPage'), 'ExecutionsPage'),
  deployments: page(() => import('./pages/DeploymentsPage'), 'DeploymentsPage'),
  'api-keys': page(() => import('./pages/ApiKeysPage'), 'ApiKeysPage'),
  'audit-log': page(() => import('./pages/AuditLogPage'), 'AuditLogPage'),
  data: page(() => import('./pages/DataPage'), 'DataPage'),
  settings: page(() => import('./pages/SettingsPage'), 'SettingsPage'),
};

export function App() {
  const current = useHashRoute();
  const Page = PAGE_COMPONENTS[current] ?? AgentsPage;
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Pages">
        <div className="brand">Turbocat</div>
        <ul className="nav">
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={`#/${p.id}`} className="nav-link" aria-current={p.id === current ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
        {backend.kind === 'fake' && (
          <p className="notice" role="note">
            Browser preview — sample data, not your database
          </p>
        )}
      </nav>
      <main className="app-main">
        <Suspense fallback={<LoadingState what="the page" />}>
          <Page key={current} />
        </Suspense>
      </main>
    </div>
  );
}
