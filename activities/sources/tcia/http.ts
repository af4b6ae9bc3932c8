/**
 * HTTP requests to an NBIA REST API (v4): URL building, optional bearer token, an idle timeout,
 * and the mapping of failures to typed errors:
 *
 * - 400, 401, 403, 404 (bad parameters, no access, authentication) → TciaRequestError (not retried)
 * - 5xx, 408, 429, network failures, timeouts → TransientSourceError (retried by the caller)
 *
 * Messages name the URL with its parameters. The token travels only in the Authorization header,
 * so it never appears in a URL or a message.
 */
import { TciaRequestError, TransientSourceError } from '../../errors';

export interface NbiaConnection {
  /** e.g. https://services.cancerimagingarchive.net/nbia-api/services/v4 (no trailing slash needed). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Give up on a request when no byte (headers or body) has arrived for this long. */
  idleTimeoutMs: number;
}

export type QueryParams = Record<string, string | undefined>;

/** Status codes that mean "this request will never succeed as it is". */
const REFUSED_STATUSES = new Set([400, 401, 403, 404, 405, 410, 422]);

/** The full URL of an endpoint with its (defined) query parameters. */
export function endpointUrl(baseUrl: string, endpoint: string, params: QueryParams): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${endpoint}`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

/** Aborts a request when `touch()` has not been called for `ms` milliseconds. */
export class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Data arrived: start the wait again. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new Error(`no data for ${this.ms} ms`)), this.ms);
    this.timer.unref();
  }

  /** The request is over: stop the timer. */
  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * GET an endpoint. Resolves with a 2xx response whose body is still unread; throws
 * TciaRequestError or TransientSourceError otherwise. The caller must `idle.clear()` when done
 * and `idle.touch()` as body chunks arrive.
 */
export async function getNbia(
  connection: NbiaConnection,
  endpoint: string,
  params: QueryParams,
): Promise<{ url: string; response: Response; idle: IdleTimeout }> {
  const url = endpointUrl(connection.baseUrl, endpoint, params);
  const headers: Record<string, string> = {};
  if (connection.token) headers.Authorization = `Bearer ${connection.token}`;
  const idle = new IdleTimeout(connection.idleTimeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: idle.signal });
  } catch (error) {
    idle.clear();
    throw new TransientSourceError(`GET ${url} failed: ${describeFetchError(error, idle.signal)}`, url);
  }
  idle.touch();
  if (response.ok) return { url, response, idle };
  const body = await readErrorBody(response);
  idle.clear();
  throw statusError(url, response.status, body);
}

/** The typed error for a non-2xx status. */
export function statusError(url: string, status: number, body: string): TciaRequestError | TransientSourceError {
  const detail = body ? `: ${body}` : '';
  if (status === 401) {
    return new TciaRequestError(`GET ${url} was refused with HTTP 401 (a valid bearer token is required)${detail}`, url, status);
  }
  if (REFUSED_STATUSES.has(status)) {
    return new TciaRequestError(`GET ${url} was refused with HTTP ${status} (bad parameters or no access)${detail}`, url, status);
  }
  if (status >= 500 || status === 408 || status === 429) {
    return new TransientSourceError(`GET ${url} failed with HTTP ${status}${detail}`, url);
  }
  return new TciaRequestError(`GET ${url} answered with unexpected HTTP ${status}${detail}`, url, status);
}

/** Up to 500 characters of an error response's text body (never throws). */
async function readErrorBody(response: Response): Promise<string> {
  try {
    return (await response.text()).trim().slice(0, 500);
  } catch {
    return '';
  }
}

/** A readable reason for a failed fetch: the idle timeout, or the underlying network error. */
export function describeFetchError(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return `timed out (${(signal.reason as Error | undefined)?.message ?? 'aborted'})`;
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  const message = (error as Error).message ?? String(error);
  return cause?.message ? `${message} (${cause.code ?? cause.message})` : message;
}
