// The app frame: a header and the one page this version has. Navigation arrives with the full UI.
import { backend } from './ipc';
import { AgentsPage } from './pages/AgentsPage';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Turbocat</h1>
        {backend.kind === 'fake' && (
          <span className="notice" role="note">
            Browser preview — sample data, not your database
          </span>
        )}
      </header>
      <main className="app-main">
        <AgentsPage />
      </main>
    </div>
  );
}
