// The app frame: a sidebar with the product's pages and the current page beside it.
import type { ComponentType } from 'react';
import { backend } from './ipc';
import { AgentsPage } from './pages/AgentsPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { DashboardPage } from './pages/DashboardPage';
import { DataPage } from './pages/DataPage';
import { DeploymentsPage } from './pages/DeploymentsPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { SettingsPage } from './pages/SettingsPage';
import { TemplatesPage } from './pages/TemplatesPage';
import { WorkflowsPage } from './pages/WorkflowsPage';
import { PAGES, useHashRoute } from './routes';

/** The component of each page id of routes.ts. */
const PAGE_COMPONENTS: Record<string, ComponentType> = {
  dashboard: DashboardPage,
  agents: AgentsPage,
  workflows: WorkflowsPage,
  templates: TemplatesPage,
  executions: ExecutionsPage,
  deployments: DeploymentsPage,
  'api-keys': ApiKeysPage,
  'audit-log': AuditLogPage,
  data: DataPage,
  settings: SettingsPage,
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
        <Page key={current} />
      </main>
    </div>
  );
}
