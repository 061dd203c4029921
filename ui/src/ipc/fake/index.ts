// An in-memory backend for previewing the UI in a plain browser, where there is no Rust side.
// Each area lives in its own file; a method no area implements rejects with a message saying
// the preview cannot do it. Its data is illustrative only; the app always uses the Tauri backend.
import type { Backend } from '../backend';
import { fakeAccount } from './account';
import { fakeAgents } from './agents';
import { fakeDashboard } from './dashboard';
import { fakeDeployments } from './deployments';
import { fakeExecutions } from './executions';
import { fakeRuns, runListeners } from './runs';
import { fakeTemplates } from './templates';
import { fakeWorkflows } from './workflows';
import { listeners, unavailable } from './core';
import { fakeData } from './data';
import { fakeSettings } from './settings';

const implemented: Partial<Backend> = {
  kind: 'fake',
  ...fakeAgents,
  ...fakeDashboard,
  ...fakeDeployments,
  ...fakeAccount,
  ...fakeTemplates,
  ...fakeWorkflows,
  ...fakeExecutions,
  ...fakeRuns,
  ...fakeData,
  ...fakeSettings,
  reportFirstPaint() {},
  onDataChanged(callback) {
    listeners.add(callback);
    return () => listeners.delete(callback);
  },
  onRunEvent(callback) {
    runListeners.add(callback);
    return () => runListeners.delete(callback);
  },
  // The preview has no far database: nothing ever syncs.
  onSyncProgress: () => () => undefined,
  onSyncFinished: () => () => undefined,
};

export const fakeBackend = new Proxy(implemented, {
  get: (target, name) => (name in target ? target[name as keyof Backend] : async () => unavailable(String(name))),
}) as Backend;
