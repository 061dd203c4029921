// The in-memory Settings area and local profile: made-up paths, backups and transfers that
// report success without touching files, and a profile whose preferences hold the theme.
import type { SettingsInfo } from '../../bindings/SettingsInfo';
import type { User } from '../../bindings/User';
import type { JsonValue } from '../../bindings/serde_json/JsonValue';
import type { AccountApi, SettingsApi, SyncApi } from '../backend';
import { audit, changed, now, unavailable, USER } from './core';

const DIR = '/home/you/.local/share/dev.turbocat.desktop';

const info: SettingsInfo = {
  databasePath: `${DIR}/turbocat.sqlite`,
  backupsDir: `${DIR}/backups`,
  schemaVersion: 2,
  settingsFile: `${DIR}/turbocat.settings.json`,
  seedDemoOnFirstStart: true,
  seedEnvOverride: null,
};

export const profile: User = {
  id: USER,
  email: 'me@turbocat.local',
  fullName: 'Local User',
  avatarUrl: null,
  role: 'ADMIN',
  isActive: true,
  emailVerified: false,
  emailVerifiedAt: null,
  lastLoginAt: null,
  preferences: { theme: 'system' },
  createdAt: '2025-01-01T09:00:00.000Z',
  updatedAt: '2025-01-01T09:00:00.000Z',
  deletedAt: null,
};

const stamp = () => now().replace(/[-:]/g, '').replace(/\..*/, '');

export const fakeSettings: SettingsApi & Pick<AccountApi, 'profileGet' | 'profileUpdate' | 'preferencesUpdate'> & Pick<SyncApi, 'syncSettingsGet'> = {
  async settingsGet() {
    return structuredClone(info);
  },
  async syncSettingsGet() {
    // No far database in the preview: the section shows its empty form; testing or syncing
    // says the preview cannot.
    return {
      connection: null,
      password: 'none',
      keychainError: null,
      status: { target: null, lastPushAt: null, lastPullAt: null, lastReconcileAt: null, pending: {}, pendingTotal: 0, conflicts: 0 },
      running: false,
      last: null,
    };
  },
  async settingsSetSeed(enabled) {
    info.seedDemoOnFirstStart = enabled;
    return structuredClone(info);
  },
  async settingsReveal() {
    unavailable('Opening a file manager');
  },
  async dbBackup() {
    return `${info.backupsDir}/turbocat-manual-${stamp()}.sqlite`;
  },
  async dbRestore() {
    changed();
    return { restoredFrom: `${info.backupsDir}/turbocat-manual.sqlite`, previousBackup: `${info.backupsDir}/turbocat-pre-restore-${stamp()}.sqlite`, migrated: [] };
  },
  async bundleExport() {
    return { path: '/home/you/turbocat-export.json', agents: 2, workflows: 1, templates: 1 };
  },
  async bundleImport(options) {
    changed();
    const n = options.asCopies;
    return {
      path: '/home/you/turbocat-export.json',
      report: {
        agentsCreated: n ? 2 : 0,
        agentsReplaced: n ? 0 : 2,
        workflowsCreated: n ? 1 : 0,
        workflowsReplaced: n ? 0 : 1,
        stepsWritten: 2,
        templatesCreated: n ? 1 : 0,
        templatesReplaced: n ? 0 : 1,
      },
    };
  },

  async profileGet() {
    return structuredClone(profile);
  },
  async profileUpdate(input) {
    const before = structuredClone(profile);
    if (input.email !== undefined) profile.email = input.email;
    if (input.fullName !== undefined) profile.fullName = input.fullName;
    if (input.avatarUrl !== undefined) profile.avatarUrl = input.avatarUrl;
    profile.updatedAt = now();
    audit('user.update', 'user', USER, { email: { before: before.email, after: profile.email } });
    changed();
    return structuredClone(profile);
  },
  async preferencesUpdate(patch) {
    const prefs = profile.preferences as { [key in string]: JsonValue };
    for (const [k, v] of Object.entries(patch as { [key in string]: JsonValue })) {
      if (v === null || v === undefined) delete prefs[k];
      else prefs[k] = v;
    }
    profile.updatedAt = now();
    audit('user.update', 'user', USER, { preferences: { after: structuredClone(prefs) } });
    changed();
    return structuredClone(prefs);
  },
};
