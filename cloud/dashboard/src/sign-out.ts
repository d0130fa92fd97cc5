import { closeReplicas } from './offline/replica-handle.js';
import { setSession, store } from './state.js';

/** Ends the session here and on the server, and removes every copy kept on this device. */
export async function signOut(): Promise<void> {
  const session = store.get().session;
  setSession(null);
  await closeReplicas(true);
  if (session) {
    await fetch('/v1/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refreshToken }) }).catch(() => undefined);
  }
}
