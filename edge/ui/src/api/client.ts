import type { Session } from './types.js';

/** An API failure with the server's error code (or UNREACHABLE when the Pi did not answer). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** The edge's per-field problems ("path": "message"), when it named them. */
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export interface ClientHooks {
  session(): Session | null;
  /** New tokens after a refresh, or null when the session is over. */
  onSession(session: Session | null): void;
  /** Whether the Pi answered the last request: drives the "unreachable" banner. */
  onReachable(reachable: boolean): void;
}

/** The edge API over fetch: bearer token, one refresh-and-retry on 401, reachability reported. */
export class ApiClient {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly hooks: ClientHooks) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    let response: Response;
    try {
      const headers: Record<string, string> = {};
      const token = this.hooks.session()?.accessToken;
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch {
      this.hooks.onReachable(false);
      throw new ApiError('UNREACHABLE', 0, 'The farm controller did not answer.');
    }
    this.hooks.onReachable(true);
    if (response.status === 401 && !retried && this.hooks.session() && !path.startsWith('/api/auth/')) {
      if (await this.refresh()) return this.request<T>(method, path, body, true);
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: unknown } };
    if (!response.ok) {
      const details = Array.isArray(data.error?.details) ? (data.error.details as Array<{ path: string; message: string }>).filter((detail) => typeof detail?.path === 'string') : [];
      throw new ApiError(data.error?.code ?? 'INTERNAL', response.status, data.error?.message ?? response.statusText, details);
    }
    return data as T;
  }

  /** Rotates the refresh token once even if several requests hit 401 together. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const session = this.hooks.session();
      if (!session) return false;
      try {
        const next = await this.request<Session>('POST', '/api/auth/refresh', { refreshToken: session.refreshToken }, true);
        this.hooks.onSession({ ...session, ...next });
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.code !== 'UNREACHABLE') this.hooks.onSession(null);
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
