// The Settings page: the database file (where it is, backup now, restore from a file), export
// and import of agents, workflows and templates, sync with a hosted project, the theme, the
// profile, and whether a new database starts with the demo content. Sections live in
// pages/settings/Sections.tsx and SyncSection.tsx, their wording and form logic in
// pages/settings/settings.ts and sync.ts.
import { useEffect, useState } from 'react';
import { backend } from '../ipc';
import type { User } from '../bindings/User';
import { Page } from '../components/Page';
import { ErrorState, LoadingState } from '../components/States';
import { useLoad } from '../lib/hooks';
import { AppearanceSection, DatabaseSection, ProfileSection, StartupSection, TransferSection } from './settings/Sections';
import { SyncSection } from './settings/SyncSection';
import './settings/settings.css';

function useSystemDark(): boolean {
  const query = typeof window !== 'undefined' ? window.matchMedia?.('(prefers-color-scheme: dark)') : undefined;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = () => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark;
}

export function SettingsPage() {
  const settings = useLoad(() => backend.settingsGet(), []);
  const profile = useLoad(() => backend.profileGet(), []);
  // Answers of writes made here, shown until the next load brings the same.
  const [infoOverride, setInfoOverride] = useState<typeof settings.shown>(undefined);
  const [userOverride, setUserOverride] = useState<User | undefined>(undefined);
  const info = infoOverride ?? settings.shown;
  const user = userOverride ?? profile.shown;
  const systemDark = useSystemDark();

  useEffect(() => setInfoOverride(undefined), [settings.shown]);
  useEffect(() => setUserOverride(undefined), [profile.shown]);

  return (
    <Page className="settings-page" headingId="settings-heading" title="Settings">

      {settings.state.kind === 'loading' && !info && <LoadingState what="the settings" />}
      {settings.state.kind === 'error' && <ErrorState error={settings.state.error} onRetry={settings.reload} />}

      <div className="settings-sections">
        {info && <DatabaseSection info={info} />}
        {info && <TransferSection />}
        <SyncSection />
        <AppearanceSection systemDark={systemDark} />
        {profile.state.kind === 'error' && <ErrorState error={profile.state.error} onRetry={profile.reload} />}
        {user && <ProfileSection user={user} onSaved={setUserOverride} />}
        {info && <StartupSection info={info} onChanged={setInfoOverride} />}
      </div>
    </Page>
  );
}
