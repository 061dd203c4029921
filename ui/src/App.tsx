// The app frame: a sidebar with the product's pages and the current page beside it.
import { backend } from './ipc';
import { AgentsPage } from './pages/AgentsPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { PAGES, useHashRoute } from './routes';

export function App() {
  const current = useHashRoute();
  const info = PAGES.find((p) => p.id === current);
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
        {current === 'agents' ? (
          <AgentsPage />
        ) : current === 'api-keys' ? (
          <ApiKeysPage />
        ) : current === 'audit-log' ? (
          <AuditLogPage />
        ) : (
          info && <PlaceholderPage page={info} />
        )}
      </main>
    </div>
  );
}
