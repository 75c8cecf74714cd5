/**
 * Redaction helpers: nothing that leaves the client (error messages, logs,
 * JSON of errors) may contain a bearer token, a client secret or a password.
 */

/** Header names that may appear in logs with their values. Everything else is redacted. */
export const LOGGABLE_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "content-type",
  "content-length",
  "date",
  "location",
  "operation-location",
  "azure-asyncoperation",
  "retry-after",
  "user-agent",
  "x-ms-correlation-request-id",
  "x-ms-client-request-id",
  "x-ms-request-id",
  "request-id",
  "x-ms-service-request-id",
  "x-ms-ratelimit-remaining-tenant-reads",
  "x-ms-ratelimit-remaining-tenant-writes",
]);

/** Query parameters whose values are safe to show. */
export const LOGGABLE_QUERY_PARAMS: ReadonlySet<string> = new Set([
  "api-version",
  "$top",
  "$expand",
  "$filter",
  "workflowid",
  "triggername",
]);

const REDACTED = "[REDACTED]";

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  // JWTs wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // key=value forms (form bodies, query strings).
  [
    /\b(client_secret|client_assertion|password|access_token|refresh_token|id_token|assertion|sig|code)=([^&\s"']+)/gi,
    `$1=${REDACTED}`,
  ],
  // JSON forms.
  [
    /("(?:client_secret|clientSecret|password|access_token|accessToken|refresh_token|token|authorization|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** Removes bearer tokens, JWTs and secret-looking values from a string. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  }
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

/** Headers for a log line: allow-listed headers keep their values, others become "[REDACTED]". */
export function redactHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || v === null) continue;
    const name = k.toLowerCase();
    out[name] = LOGGABLE_HEADERS.has(name) ? redact(String(v)) : REDACTED;
  }
  return out;
}

/**
 * A URL's path plus its allow-listed query parameters: what may appear in an
 * error or a log. Values of other query parameters (skip tokens, signatures) are redacted.
 */
export function safeUrlPath(url: string | URL | undefined): string | undefined {
  if (url === undefined) return undefined;
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url, "https://placeholder.invalid") : url;
  } catch {
    return redact(String(url).split("?")[0] ?? "");
  }
  const parts: string[] = [];
  for (const [k, v] of u.searchParams) {
    parts.push(`${encodeURIComponent(k)}=${LOGGABLE_QUERY_PARAMS.has(k.toLowerCase()) ? encodeURIComponent(v) : REDACTED}`);
  }
  return redact(u.pathname + (parts.length ? `?${parts.join("&")}` : ""));
}
