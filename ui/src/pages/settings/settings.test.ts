import { describe, expect, it } from 'vitest';
import type { SettingsInfo } from '../../bindings/SettingsInfo';
import type { User } from '../../bindings/User';
import { exportSummary, importRows, importSummary, listWords, profileForm, profileUpdate, seedStatus } from './settings';

const report = { agentsCreated: 5, agentsReplaced: 0, workflowsCreated: 2, workflowsReplaced: 0, stepsWritten: 6, templatesCreated: 6, templatesReplaced: 0 };

describe('transfer wording', () => {
  it('joins words the way people write lists', () => {
    expect(listWords([])).toBe('');
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b'])).toBe('a and b');
    expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('says what an export wrote and where', () => {
    expect(exportSummary({ path: '/tmp/x.json', agents: 1, workflows: 2, templates: 0 })).toBe('Exported 1 agent, 2 workflows and 0 templates to /tmp/x.json.');
  });

  it('sums up an import, replaced rows and steps included', () => {
    expect(importSummary(report)).toBe('Imported: 13 rows created (6 workflow steps written).');
    expect(importSummary({ ...report, agentsCreated: 0, workflowsCreated: 0, templatesCreated: 0, agentsReplaced: 1, stepsWritten: 0 })).toBe('Imported: 1 row replaced.');
    expect(importSummary({ ...report, agentsCreated: 0, workflowsCreated: 0, templatesCreated: 0, stepsWritten: 0 })).toBe('The file held nothing to import.');
    expect(importRows(report)[1]).toEqual({ what: 'Workflows', created: 2, replaced: 0 });
  });
});

describe('the seed setting', () => {
  const info: SettingsInfo = { databasePath: '/d/turbocat.sqlite', backupsDir: '/d/backups', schemaVersion: 2, settingsFile: '/d/turbocat.settings.json', seedDemoOnFirstStart: true, seedEnvOverride: null };

  it('follows the setting when the environment says nothing', () => {
    expect(seedStatus(info).seeds).toBe(true);
    expect(seedStatus({ ...info, seedDemoOnFirstStart: false })).toEqual({ seeds: false, note: 'A new, empty database file starts empty, with only your profile.' });
  });

  it('lets the environment win and says so', () => {
    const s = seedStatus({ ...info, seedEnvOverride: false });
    expect(s.seeds).toBe(false);
    expect(s.note).toContain('TURBOCAT_NO_SEED');
    expect(seedStatus({ ...info, seedDemoOnFirstStart: false, seedEnvOverride: true }).seeds).toBe(true);
  });
});

describe('the profile form', () => {
  const user = { email: 'admin@turbocat.dev', fullName: 'Admin User' } as User;

  it('sends only what changed, trimmed', () => {
    expect(profileUpdate(user, profileForm(user))).toBeNull();
    expect(profileUpdate(user, { fullName: ' Ada ', email: 'admin@turbocat.dev ' })).toEqual({ fullName: 'Ada' });
    expect(profileUpdate(user, { fullName: 'Admin User', email: 'ada@example.com' })).toEqual({ email: 'ada@example.com' });
  });

  it('clears the name when it is emptied', () => {
    expect(profileUpdate(user, { fullName: '  ', email: user.email })).toEqual({ fullName: null });
    expect(profileForm({ ...user, fullName: null })).toEqual({ fullName: '', email: 'admin@turbocat.dev' });
  });
});
