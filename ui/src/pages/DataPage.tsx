// Not built yet: the placeholder until this page lands.
import { PAGES } from '../routes';
import { PlaceholderPage } from './PlaceholderPage';

export function DataPage() {
  return <PlaceholderPage page={PAGES.find((p) => p.id === 'data')!} />;
}
