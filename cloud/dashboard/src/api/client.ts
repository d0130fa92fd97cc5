import type { LoginAnswer, Session } from './types.js';

/** An API failure with the server's error code (or UNREACHABLE when the cloud did not answer). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientHooks {
  session(): Session | null;
  /** New tokens after a refresh, or null when the session is over. */
  onSession(session: Session | null): void;
  /** Whether the cloud answered the last request: drives the offline banner. */
  onReachable(reachable: boolean): void;
  /**
   * The session another tab may have stored after rotating the refresh token: a rotated token
   * used twice revokes the whole family, so the tab that lost the race takes the winner's.
   */
  storedSession(): Session | null;
}

/** Refresh a little before the access token expires, so a stream is never opened with a dead one. */
const EARLY_REFRESH_MS = 30_000;

export function sessionFrom(answer: LoginAnswer, now = Date.now()): Session {
  return { accessToken: answer.accessToken, refreshToken: answer.refreshToken, expiresAt: now + answer.expiresIn * 1000, user: answer.user };
}

/** The cloud API over fetch: bearer token, refresh-token rotation once per expiry, reachability reported. */
export class ApiClient {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly hooks: ClientHooks) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    const session = this.hooks.session();
    if (!session) return null;
    if (session.expiresAt - Date.now() < EARLY_REFRESH_MS) await this.refresh();
    return this.hooks.session()?.accessToken ?? null;
  }

  /** A fetch with the account's token; used for streams and the offline copy's replication. */
  async authorizedFetch(path: string, init: RequestInit = {}, retried = false): Promise<Response> {
    const token = await this.accessToken();
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (error) {
      if ((error as { name?: string }).name !== 'AbortError') this.hooks.onReachable(false);
      throw error;
    }
    this.hooks.onReachable(true);
    if (response.status === 401 && !retried && this.hooks.session() && (await this.refresh())) return this.authorizedFetch(path, init, true);
    return response;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.authorizedFetch(path, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch {
      throw new ApiError('UNREACHABLE', 0, 'The cloud did not answer.');
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!response.ok) throw new ApiError(data.error?.code ?? 'INTERNAL', response.status, data.error?.message ?? response.statusText);
    return data as T;
  }

  /** Signs in; the answer becomes the session. */
  async login(login: string, password: string): Promise<Session> {
    let response: Response;
    try {
      response = await fetch('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
    } catch {
      this.hooks.onReachable(false);
      throw new ApiError('UNREACHABLE', 0, 'The cloud did not answer.');
    }
    this.hooks.onReachable(true);
    const data = (await response.json().catch(() => ({}))) as LoginAnswer & { error?: { code: string; message: string } };
    if (!response.ok) throw new ApiError(data.error?.code ?? 'INTERNAL', response.status, data.error?.message ?? response.statusText);
    const session = sessionFrom(data);
    this.hooks.onSession(session);
    return session;
  }

  /**
   * Rotates the refresh token once even if several requests hit 401 together, and once across
   * tabs (Web Locks): inside the lock, a token another tab already rotated is taken as is.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const held = this.hooks.session();
      if (!held) return false;
      const run = async () => {
        const stored = this.hooks.storedSession();
        if (stored && stored.refreshToken !== held.refreshToken && stored.expiresAt - Date.now() > EARLY_REFRESH_MS) {
          this.hooks.onSession(stored);
          return true;
        }
        const current = stored ?? held;
        let response: Response;
        try {
          response = await fetch('/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: current.refreshToken }) });
        } catch {
          this.hooks.onReachable(false);
          return false;
        }
        this.hooks.onReachable(true);
        if (!response.ok) {
          // A refused refresh token (expired, revoked, reused) ends the session; a server error does not.
          if (response.status >= 400 && response.status < 500) this.hooks.onSession(null);
          return false;
        }
        this.hooks.onSession(sessionFrom((await response.json()) as LoginAnswer));
        return true;
      };
      try {
        const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
        return locks ? await locks.request('tokkatot-refresh', run) : await run();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
