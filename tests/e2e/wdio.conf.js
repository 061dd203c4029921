// WebdriverIO configuration for the end-to-end tests of the real Turbocat Desktop window.
//
// Run through scripts/e2e.sh, which builds the app (target/e2e/debug/turbocat-desktop, with the
// custom-protocol feature so it serves ui/dist), installs tauri-driver, starts Xvfb and sets
// the environment read here. Running `npx wdio run wdio.conf.js` by hand works too when those
// are in place and DISPLAY is set.
//
// Each spec file gets its own tauri-driver (started in beforeSession, in the worker that runs
// that file) whose environment carries TURBOCAT_DB pointing at a fresh temporary file:
// WebKitWebDriver starts the app with the environment it inherited from tauri-driver, so every
// spec file starts the app on a new, freshly seeded database, never on the user's own file.
//
// Environment (all optional):
//   TURBOCAT_E2E_APP          the app binary (default: <repo>/target/e2e/debug/turbocat-desktop)
//   TURBOCAT_E2E_DRIVER       tauri-driver (default: <repo>/target/tools/bin/tauri-driver)
//   TURBOCAT_E2E_PORT         tauri-driver's port (default 4444); the native port is PORT+1
//   TURBOCAT_E2E_SCREENSHOTS  where screenshots go (default: <repo>/target/e2e-screenshots)
//   TURBOCAT_E2E_RUN_DIR      a folder for per-run files (driver pid files, databases, logs);
//                             scripts/e2e.sh sets it and removes it at exit
//   TURBOCAT_E2E_SPEC         run only the spec files matching this glob (relative to here)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const APP = process.env.TURBOCAT_E2E_APP || path.join(ROOT, 'target/e2e/debug/turbocat-desktop');
const DRIVER = process.env.TURBOCAT_E2E_DRIVER || path.join(ROOT, 'target/tools/bin/tauri-driver');
const PORT = Number(process.env.TURBOCAT_E2E_PORT || 4444);
const NATIVE_PORT = PORT + 1;
export const SCREENSHOTS = process.env.TURBOCAT_E2E_SCREENSHOTS || path.join(ROOT, 'target/e2e-screenshots');
const RUN_DIR = process.env.TURBOCAT_E2E_RUN_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'turbocat-e2e-'));

/** How long tauri-driver may take to listen, and a session to open, before the run fails. */
const DRIVER_READY_MS = 10_000;
const SESSION_TIMEOUT_MS = 30_000;

let driver = null; // the tauri-driver of this worker (one spec file)

/** Resolves when something accepts TCP connections on 127.0.0.1:port. */
function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`e2e: timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** A file-system-safe name for a spec file or test title. */
export function slug(text) {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'unnamed';
}

/** Stops this worker's tauri-driver with SIGTERM (SIGKILL would leave WebKitWebDriver holding
 *  the native port) and waits until it has exited and both ports are free. */
async function stopDriver() {
  if (!driver) return;
  const child = driver;
  driver = null;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  try {
    fs.rmSync(path.join(RUN_DIR, `tauri-driver.${child.pid}.pid`), { force: true });
  } catch {
    // best effort
  }
  await waitFor(
    `ports ${PORT}/${NATIVE_PORT} to be free after stopping tauri-driver`,
    async () => !(await canConnect(PORT)) && !(await canConnect(NATIVE_PORT)),
    5_000,
  ).catch((e) => console.error(e.message));
}

export const config = {
  runner: 'local',
  hostname: '127.0.0.1',
  port: PORT,
  specs: [process.env.TURBOCAT_E2E_SPEC || './specs/**/*.e2e.js'],
  // One app window at a time: tauri-driver's ports are fixed.
  maxInstances: 1,
  capabilities: [
    {
      maxInstances: 1,
      // Plain WebDriver: WebKitWebDriver does not speak WebDriver BiDi.
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: APP },
    },
  ],
  // Never start or install Xvfb from here: scripts/e2e.sh provides the display.
  autoXvfb: false,
  logLevel: 'warn',
  outputDir: path.join(RUN_DIR, 'wdio-logs'),
  bail: 0,
  waitforTimeout: 10_000,
  // A session that cannot open must fail the run quickly instead of hanging.
  connectionRetryTimeout: SESSION_TIMEOUT_MS,
  connectionRetryCount: 0,
  framework: 'mocha',
  reporters: [['spec', { showPreface: false }]],
  mochaOpts: { ui: 'bdd', timeout: 60_000 },

  onPrepare() {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    if (!fs.existsSync(APP)) {
      throw new Error(`e2e: the app binary ${APP} is missing; build it with scripts/e2e.sh`);
    }
    if (!fs.existsSync(DRIVER)) {
      throw new Error(`e2e: tauri-driver ${DRIVER} is missing; scripts/e2e.sh installs it`);
    }
  },

  // Runs in the worker of one spec file, before its session opens: a fresh database and a
  // tauri-driver of its own that hands that database to the app through its environment.
  async beforeSession(_config, _capabilities, specs) {
    if ((await canConnect(PORT)) || (await canConnect(NATIVE_PORT))) {
      throw new Error(
        `e2e: port ${PORT} or ${NATIVE_PORT} is already in use (a leftover tauri-driver or WebKitWebDriver?); ` +
          `see \`ss -ltnp\`, stop it with SIGTERM, and run again`,
      );
    }
    const spec = slug(path.basename(fileURLToPath(specs[0])));
    const dbDir = fs.mkdtempSync(path.join(RUN_DIR, `db-${spec}-`));
    const db = path.join(dbDir, 'turbocat.sqlite');
    process.env.TURBOCAT_E2E_DB = db; // the specs read it to check the app used this file
    // Native file dialogs cannot be driven through WebDriver: the app takes their answers from
    // this file instead (one path per line; see src-tauri/src/dialogs.rs). Specs write it.
    const answers = path.join(dbDir, 'dialog-answers');
    fs.writeFileSync(answers, '');
    process.env.TURBOCAT_E2E_ANSWERS = answers;
    const log = fs.openSync(path.join(RUN_DIR, `tauri-driver-${spec}.log`), 'a');
    driver = spawn(DRIVER, ['--port', String(PORT), '--native-port', String(NATIVE_PORT)], {
      env: { ...process.env, TURBOCAT_DB: db, TURBOCAT_NO_SEED: '', TURBOCAT_DIALOG_ANSWERS: answers },
      stdio: ['ignore', log, log],
    });
    fs.writeFileSync(path.join(RUN_DIR, `tauri-driver.${driver.pid}.pid`), `${driver.pid}\n`);
    driver.once('error', (e) => console.error(`e2e: tauri-driver failed to start: ${e.message}`));
    // If the worker dies without afterSession, do not leave the driver behind.
    process.once('exit', () => driver && driver.kill('SIGTERM'));
    await waitFor(`tauri-driver to listen on port ${PORT}`, () => canConnect(PORT), DRIVER_READY_MS);
  },

  // A screenshot after every test, passed or failed, named after its spec file and title.
  async afterTest(test, _context, { passed }) {
    const spec = slug(path.basename(test.file || 'spec'));
    const name = `${spec}--${slug(test.fullTitle || test.title)}${passed ? '' : '--FAILED'}.png`;
    try {
      await browser.saveScreenshot(path.join(SCREENSHOTS, name));
    } catch (e) {
      console.error(`e2e: could not save screenshot ${name}: ${e.message}`);
    }
  },

  async afterSession() {
    await stopDriver();
  },
};
