// The UI's one door to the Rust side. Nothing outside ui/src/ipc imports @tauri-apps/api, so
// swapping the backend (a browser preview, a test double) touches only this folder.
import { isTauri } from '@tauri-apps/api/core';
import type { Backend } from './backend';
import { fakeBackend } from './fake/index';
import { tauriBackend } from './tauri';

export type { Backend } from './backend';
export { toCommandError } from './errors';
export type * from './types';

/** The Tauri backend inside the app; the in-memory one in a plain browser. */
export const backend: Backend = isTauri() ? tauriBackend : fakeBackend;
