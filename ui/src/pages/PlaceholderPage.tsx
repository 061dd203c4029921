// A page that is not built yet: its name and one sentence on what it will do; no sample data.
import type { PageInfo } from '../routes';

export function PlaceholderPage({ page }: { page: PageInfo }) {
  return (
    <section className="page" aria-labelledby="page-heading">
      <div className="page-header">
        <h2 id="page-heading">{page.label}</h2>
      </div>
      <div className="state state-empty">
        <p className="state-title">Coming soon</p>
        <p className="state-hint">{page.summary}</p>
      </div>
    </section>
  );
}
