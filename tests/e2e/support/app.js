// Helpers shared by the spec files: visible text, waiting for it, and calling the app's
// commands the way the UI does (through Tauri's IPC), for checks the UI does not show yet.

/** The page's visible text (innerText leaves out hidden elements). */
export const visibleText = () => browser.execute(() => document.body.innerText);

/** An XPath to any element with a text node that reads exactly `text` (spaces trimmed). */
export const byText = (text) => `//*[text()[normalize-space(.)=${JSON.stringify(text)}]]`;

/** Waits until `predicate(visibleText)` holds; on timeout says what the window shows. */
export async function waitForText(what, predicate, timeout = 10_000) {
  await browser.waitUntil(async () => predicate(await visibleText()), { timeout, interval: 100 }).catch(async () => {
    const text = (await visibleText()).replace(/\s+/g, ' ').slice(0, 600);
    throw new Error(`${what} not on screen after ${timeout} ms; the window shows: "${text}"`);
  });
}

/** Invokes a backend command; resolves with its result or rejects with its `{code, message}`. */
export async function invoke(command, args = {}) {
  const outcome = await browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__
        .invoke(cmd, a)
        .then((value) => done({ ok: true, value }))
        .catch((error) => done({ ok: false, error }));
    },
    command,
    args,
  );
  if (!outcome.ok) throw new Error(`${command} failed: ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}
