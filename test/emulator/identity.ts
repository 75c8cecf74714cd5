// Entra ID (login.microsoftonline.com) as far as MSAL node / @azure/identity
// need it: instance discovery, OIDC metadata, JWKS, the v2 token endpoint with
// client_credentials (secret, certificate assertion, federated assertion) and
// password grants, plus bearer-token validation for the API surfaces.
import { createPublicKey, randomUUID, X509Certificate } from "node:crypto";
import { SEED } from "./seed";
import { signJwt, verifyJwtSignature, decodeJwt, JwtClaims } from "./jwt";
import type { TlsMaterial } from "./tls";
import type { Principal, Reply, Surface } from "./http";
import { ENTRA_AUTHORITY_HOST, ENTRA_HOSTS, isPlayedMicrosoftHost } from "./microsoftHosts";

export const RESOURCES: Record<string, Exclude<Surface, "entra" | "control">> = {
  "https://api.powerplatform.com": "powerplatform",
  "https://service.powerapps.com": "bap",
  "https://service.flow.microsoft.com": "flow",
};
export const AUDIENCE_OF: Record<string, string> = Object.fromEntries(Object.entries(RESOURCES).map(([a, s]) => [s, a]));

/**
 * A Dataverse instance as a token resource (`{instanceUrl}/.default`, as Microsoft's
 * clients ask): `https://{org}.crm[N].dynamics.com` and the sovereign suffixes, or the
 * emulator's own `https://{org}.crm.localhost[:port]`. The token's `aud` is that origin.
 */
export function isDataverseResource(resource: string): boolean {
  return /^https:\/\/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.(?:crm\d{0,2}\.dynamics\.com|crm\.microsoftdynamics\.us|crm\.appsplatform\.us|crm\.dynamics\.cn|crm\.localhost(?::\d+)?)$/i.test(resource);
}

/** Power Platform Administrator directory role template id. */
export const PP_ADMIN_ROLE = "11648597-926c-4cf3-9c36-bcebb0ba8dcc";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

interface App { clientId: string; objectId: string; displayName: string; secret?: string; certificate?: boolean; federated?: { subject: string; audience: string }[]; publicClient?: boolean; admin: boolean }
interface User { objectId: string; username: string; password: string; displayName: string; admin: boolean }

export class Identity {
  readonly tenantId = SEED.tenantId;
  readonly apps: App[] = [
    { clientId: SEED.admin.clientId, objectId: SEED.admin.objectId, displayName: SEED.admin.displayName, secret: SEED.admin.clientSecret, admin: true },
    { clientId: SEED.certificateApp.clientId, objectId: SEED.certificateApp.objectId, displayName: SEED.certificateApp.displayName, certificate: true, admin: true },
    { clientId: SEED.federatedApp.clientId, objectId: SEED.federatedApp.objectId, displayName: SEED.federatedApp.displayName, federated: [{ subject: SEED.federatedApp.subject, audience: SEED.federatedApp.audience }, { subject: SEED.federatedApp.serviceConnectionSubject, audience: SEED.federatedApp.audience }], admin: true },
    { clientId: SEED.publicClientId, objectId: "a1000000-0000-4000-8000-00000000b0ff", displayName: "Emulator public client", publicClient: true, admin: false },
  ];
  /** Token ids (`uti`) issued so far, and those revoked (control API `POST /_emulator/revoke-tokens`). */
  private readonly issuedTokenIds: string[] = [];
  private readonly revokedTokenIds = new Set<string>();

  /** Revokes every access token issued so far (as when a session is revoked): API calls with them get 401. */
  revokeAll(): number {
    for (const id of this.issuedTokenIds) this.revokedTokenIds.add(id);
    const n = this.issuedTokenIds.length;
    this.issuedTokenIds.length = 0;
    return n;
  }

  readonly users: User[] = [
    { ...SEED.adminUser, admin: true },
    { ...SEED.makerUser, admin: false },
  ];
  /** token lifetime in seconds (settings.tokenLifetimeSeconds) */
  tokenLifetime = () => 3600;

  constructor(private tls: TlsMaterial, private baseUrl: () => string) {}

  get federatedIssuer() { return `${this.baseUrl()}/federated`; }
  /** The token issuer for tokens obtained at `base` (the authority origin the client called). */
  issuer(tenant: string = this.tenantId, base = this.baseUrl()) { return `${base}/${tenant}/v2.0`; }

  /**
   * The Entra authority a client of `apiBase` should use: login.microsoftonline.com
   * when it reached the emulator by a Microsoft host name (proxy mode), else the
   * origin it called (the emulator serves Entra on every host).
   */
  authorityFor(apiBase: string): string {
    const host = new URL(apiBase).hostname;
    return isPlayedMicrosoftHost(host) ? `https://${ENTRA_AUTHORITY_HOST}` : apiBase;
  }

  /**
   * Tokens are issued under the origin the client called (`https://127.0.0.1:8443/{tid}/v2.0`,
   * `https://login.microsoftonline.com/{tid}/v2.0`): an issuer is ours when it names this
   * tenant on the emulator's own host, a loopback name, or an Entra host it plays.
   * (The signature check is what proves the token came from this emulator.)
   */
  private trustedIssuer(iss: unknown): boolean {
    if (typeof iss !== "string") return false;
    let u: URL;
    try { u = new URL(iss); } catch { return false; }
    if (u.protocol !== "https:" || u.pathname !== `/${this.tenantId}/v2.0` || u.search || u.username) return false;
    const h = u.hostname.replace(/^\[|\]$/g, "");
    const loopback = h === "localhost" || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::1";
    return u.host === new URL(this.baseUrl()).host || loopback || (ENTRA_HOSTS.has(h) && !u.port);
  }

  credentials() {
    return {
      tenantId: this.tenantId,
      tenantDomain: SEED.tenantDomain,
      authorityHost: this.baseUrl(),
      admin: { clientId: SEED.admin.clientId, clientSecret: SEED.admin.clientSecret, objectId: SEED.admin.objectId },
      certificate: { clientId: SEED.certificateApp.clientId, objectId: SEED.certificateApp.objectId, pemPath: this.tls.spCertPemPath, thumbprintSha1: this.tls.spCertThumbprintSha1, thumbprintSha256: this.tls.spCertThumbprintSha256 },
      federated: { clientId: SEED.federatedApp.clientId, objectId: SEED.federatedApp.objectId, issuer: this.federatedIssuer, subject: SEED.federatedApp.subject, audience: SEED.federatedApp.audience, mintUrl: `${this.baseUrl()}/_emulator/federated-token` },
      publicClientId: SEED.publicClientId,
      users: this.users.map((u) => ({ username: u.username, password: u.password, objectId: u.objectId, isAdmin: u.admin })),
      resources: Object.keys(RESOURCES).map((r) => `${r}/.default`),
    };
  }

  mintFederatedToken(opts: { subject?: string; audience?: string; lifetimeSeconds?: number; issuer?: string } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ iss: opts.issuer ?? this.federatedIssuer, sub: opts.subject ?? SEED.federatedApp.subject, aud: opts.audience ?? SEED.federatedApp.audience, iat: now, nbf: now - 5, exp: now + (opts.lifetimeSeconds ?? 600), jti: randomUUID() }, this.tls.federatedKey, this.tls.federatedKid);
  }

  private jwk(key = this.tls.signingPublicKey, kid = this.tls.signingKid) {
    const j = createPublicKey(key).export({ format: "jwk" }) as Record<string, string>;
    return { kty: "RSA", use: "sig", kid, n: j.n, e: j.e, alg: "RS256", issuer: this.issuer() };
  }

  /** Handles Entra paths; returns undefined when the path is not an Entra path. */
  handle(method: string, path: string, query: URLSearchParams, rawBody: string, base = this.baseUrl()): Reply | undefined {
    const p = path.replace(/\/+$/, "");
    if (method === "GET" && /^\/(common|organizations|[^/]+)\/discovery\/instance$/i.test(p)) {
      const host = new URL(base).host;
      const authz = query.get("authorization_endpoint") ?? "";
      const m = /^https:\/\/[^/]+\/([^/]+)\//.exec(authz);
      const tenant = m?.[1] ?? "common";
      return { status: 200, body: { tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`, "api-version": "1.1", metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }] } };
    }
    if (method === "GET" && /^\/federated\/\.well-known\/openid-configuration$/i.test(p))
      return { status: 200, body: { issuer: this.federatedIssuer, jwks_uri: `${this.federatedIssuer}/keys`, response_types_supported: ["id_token"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["RS256"] } };
    if (method === "GET" && /^\/federated\/keys$/i.test(p)) return { status: 200, body: { keys: [this.jwk(this.tls.federatedPublicKey, this.tls.federatedKid)] } };
    let m = /^\/([^/]+)(\/v2\.0)?\/\.well-known\/openid-configuration$/i.exec(p);
    if (method === "GET" && m) {
      const t = m[1];
      const tenantErr = this.checkTenant(t, true);
      if (tenantErr) return tenantErr;
      const tid = this.isCommon(t) ? "{tenantid}" : this.tenantId;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_modes_supported: ["query", "fragment", "form_post"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
          response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
          scopes_supported: ["openid", "profile", "email", "offline_access"],
          issuer: this.issuer(tid, base),
          request_uri_parameter_supported: false,
          userinfo_endpoint: `${base}/oidc/userinfo`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
          http_logout_supported: true,
          frontchannel_logout_supported: true,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
          kerberos_endpoint: `${base}/${t}/kerberos`,
          tenant_region_scope: "NA",
          cloud_instance_name: "microsoftonline.com",
          cloud_graph_host_name: "graph.windows.net",
          msgraph_host: "graph.microsoft.com",
          rbac_url: "https://pas.windows.net",
        },
      };
    }
    if (method === "GET" && /^\/[^/]+\/discovery\/(v2\.0\/)?keys$/i.test(p)) return { status: 200, body: { keys: [this.jwk()] } };
    m = /^\/common\/userrealm\/([^/]+)$/i.exec(p);
    if (method === "GET" && m) return { status: 200, body: { ver: "1.0", account_type: "Managed", domain_name: SEED.tenantDomain, cloud_instance_name: "microsoftonline.com", cloud_audience_urn: "urn:federation:MicrosoftOnline" } };
    m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i.exec(p);
    if (m) {
      if (method !== "POST") return aad(405, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.", 900561);
      return this.token(m[1], new URLSearchParams(rawBody), base);
    }
    return undefined;
  }

  private isCommon(t: string) { return ["common", "organizations"].includes(t.toLowerCase()); }
  private checkTenant(t: string, allowCommon: boolean): Reply | undefined {
    const l = t.toLowerCase();
    if (l === this.tenantId || l === SEED.tenantDomain || (allowCommon && this.isCommon(l))) return undefined;
    return aad(400, "invalid_request", `AADSTS90002: Tenant '${t}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, 90002);
  }

  private token(tenant: string, f: URLSearchParams, base: string): Reply {
    const tErr = this.checkTenant(tenant, false);
    if (tErr) return tErr;
    const grant = f.get("grant_type");
    const clientId = (f.get("client_id") ?? "").toLowerCase();
    const scopes = (f.get("scope") ?? "").split(/\s+/).filter(Boolean);
    const resScope = scopes.find((s) => /^https?:\/\//i.test(s) || s.startsWith("api://"));
    if (!grant) return aad(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.", 900144);
    if (!resScope) return aad(400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", 1002012);
    const resource = resScope.replace(/\/\.default$/i, "").replace(/\/+$/, "");
    if (!RESOURCES[resource.toLowerCase()] && !isDataverseResource(resource))
      return aad(400, "invalid_resource", `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${SEED.tenantDomain}.`, 500011);
    const app = this.apps.find((a) => a.clientId === clientId);
    if (!app) return aad(400, "unauthorized_client", `AADSTS700016: Application with identifier '${f.get("client_id")}' was not found in the directory '${SEED.tenantDomain}'.`, 700016);
    const tokenUrl = `${base}/${tenant}/oauth2/v2.0/token`;

    if (grant === "client_credentials") {
      if (app.publicClient) return aad(401, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218);
      const secret = f.get("client_secret");
      const assertion = f.get("client_assertion");
      if (secret !== null) {
        if (!app.secret || secret !== app.secret)
          return aad(401, "invalid_client", `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`, 7000215);
      } else if (assertion !== null) {
        if (f.get("client_assertion_type") !== JWT_BEARER) return aad(400, "invalid_request", "AADSTS700024: client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.", 700024);
        const e = app.certificate ? this.checkCertAssertion(app, assertion, tokenUrl, base) : app.federated ? this.checkFederatedAssertion(app, assertion) : aad(401, "invalid_client", `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application '${app.clientId}'.`, 700027);
        if (e) return e;
      } else return aad(401, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218);
      return this.issue({ kind: "app", objectId: app.objectId, appId: app.clientId, isAdmin: app.admin, type: "ServicePrincipal", displayName: app.displayName }, resource, base);
    }
    if (grant === "password") {
      const user = this.users.find((u) => u.username.toLowerCase() === (f.get("username") ?? "").toLowerCase());
      if (!user || user.password !== f.get("password"))
        return aad(400, "invalid_grant", "AADSTS50126: Error validating credentials due to invalid username or password.", 50126);
      return this.issue({ kind: "user", objectId: user.objectId, appId: app.clientId, isAdmin: user.admin, type: "User", displayName: user.displayName }, resource, base, user);
    }
    if (grant === "refresh_token") {
      const rt = verifyJwtSignature(f.get("refresh_token") ?? "", this.tls.signingPublicKey);
      const user = rt && rt.claims.typ === "refresh" ? this.users.find((u) => u.objectId === rt.claims.oid) : undefined;
      if (!user) return aad(400, "invalid_grant", "AADSTS9002313: Invalid request. Request is malformed or invalid.", 9002313);
      return this.issue({ kind: "user", objectId: user.objectId, appId: app.clientId, isAdmin: user.admin, type: "User", displayName: user.displayName }, resource, base, user);
    }
    return aad(400, "unsupported_grant_type", `AADSTS70003: The app requested an unsupported grant type '${grant}'.`, 70003);
  }

  private checkCertAssertion(app: App, assertion: string, tokenUrl: string, base: string): Reply | undefined {
    const cert = this.tls.spCert as X509Certificate;
    const v = verifyJwtSignature(assertion, cert.publicKey);
    if (!v) return aad(401, "invalid_client", `AADSTS700027: Client assertion failed signature validation. Application '${app.clientId}'.`, 700027);
    const h = v.header;
    const x5t = h["x5t#S256"] ? Buffer.from(String(h["x5t#S256"]), "base64url").toString("hex").toUpperCase() : h.x5t ? Buffer.from(String(h.x5t), "base64url").toString("hex").toUpperCase() : undefined;
    if (x5t && x5t !== this.tls.spCertThumbprintSha256 && x5t !== this.tls.spCertThumbprintSha1)
      return aad(401, "invalid_client", `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application '${app.clientId}'.`, 700027);
    return this.checkAssertionClaims(v.claims, app, (aud) => aud.toLowerCase() === tokenUrl.toLowerCase() || aud.toLowerCase().startsWith(base.toLowerCase()), true);
  }

  private checkFederatedAssertion(app: App, assertion: string): Reply | undefined {
    const v = verifyJwtSignature(assertion, this.tls.federatedPublicKey);
    if (!v) return aad(401, "invalid_client", "AADSTS50013: Assertion failed signature validation.", 50013);
    const c = v.claims;
    const now = Date.now() / 1000;
    if (typeof c.exp !== "number" || c.exp < now) return aad(400, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range.", 700024);
    const fc = app.federated!.find((x) => c.iss === this.federatedIssuer && c.sub === x.subject && (Array.isArray(c.aud) ? c.aud.includes(x.audience) : c.aud === x.audience));
    if (!fc) return aad(400, "invalid_client", `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${c.iss}'. Assertion Subject: '${c.sub}'. Assertion Audience: '${c.aud}'.`, 70021);
    return undefined;
  }

  private checkAssertionClaims(c: JwtClaims, app: App, audOk: (aud: string) => boolean, selfIssued: boolean): Reply | undefined {
    const now = Date.now() / 1000;
    if (typeof c.exp !== "number" || c.exp < now - 300) return aad(400, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range.", 700024);
    if (selfIssued && (c.iss !== app.clientId || c.sub !== app.clientId)) return aad(401, "invalid_client", "AADSTS700023: Client assertion audience claim does not match Realm issuer / iss and sub must be the client id.", 700023);
    const aud = Array.isArray(c.aud) ? String(c.aud[0]) : String(c.aud ?? "");
    if (!audOk(aud)) return aad(401, "invalid_client", `AADSTS700016: The audience claim '${aud}' of the client assertion is invalid.`, 700016);
    return undefined;
  }

  private issue(p: Principal, resource: string, base: string, user?: User): Reply {
    const now = Math.floor(Date.now() / 1000);
    const life = this.tokenLifetime();
    const aud = Object.keys(RESOURCES).find((r) => r === resource.toLowerCase()) ?? resource.toLowerCase();
    const claims: JwtClaims = {
      aud, iss: this.issuer(this.tenantId, base), iat: now, nbf: now - 5, exp: now + life,
      tid: this.tenantId, oid: p.objectId, sub: p.objectId, appid: p.appId, azp: p.appId,
      idtyp: p.kind, ver: "2.0", uti: randomUUID().replace(/-/g, ""),
    };
    this.issuedTokenIds.push(String(claims.uti));
    if (p.kind === "app") claims.roles = p.isAdmin ? ["PowerPlatform.Admin"] : [];
    else {
      claims.upn = user!.username; claims.preferred_username = user!.username; claims.name = user!.displayName;
      claims.scp = "user_impersonation";
      claims.wids = p.isAdmin ? [PP_ADMIN_ROLE] : [];
    }
    const body: Record<string, unknown> = {
      token_type: "Bearer", scope: `${aud}/.default`, expires_in: life, ext_expires_in: life,
      access_token: signJwt(claims, this.tls.signingKey, this.tls.signingKid),
    };
    if (user) {
      body.scope = `${aud}/user_impersonation ${aud}/.default openid profile offline_access`;
      body.refresh_token = signJwt({ typ: "refresh", oid: user.objectId, iat: now, exp: now + 86400 * 90 }, this.tls.signingKey, this.tls.signingKid);
      body.id_token = signJwt({ aud: p.appId, iss: this.issuer(this.tenantId, base), iat: now, nbf: now, exp: now + 3600, name: user.displayName, oid: user.objectId, preferred_username: user.username, sub: user.objectId, tid: this.tenantId, ver: "2.0" }, this.tls.signingKey, this.tls.signingKid);
      body.client_info = Buffer.from(JSON.stringify({ uid: user.objectId, utid: this.tenantId })).toString("base64url");
    }
    return { status: 200, body };
  }

  /** Validates a bearer token for a surface; returns the principal or an error description. */
  authenticate(authorization: string | undefined, surface: Exclude<Surface, "entra" | "control">, instanceOrigin?: string): Principal | { error: string } {
    if (!authorization || !/^Bearer\s+/i.test(authorization)) return { error: "The request is missing a bearer token." };
    const token = authorization.replace(/^Bearer\s+/i, "").trim();
    if (!decodeJwt(token)) return { error: "The access token is malformed." };
    const v = verifyJwtSignature(token, this.tls.signingPublicKey);
    if (!v || v.header.alg !== "RS256") return { error: "The access token signature is invalid." };
    const c = v.claims;
    const now = Date.now() / 1000;
    if (typeof c.exp !== "number" || c.exp <= now) return { error: "The access token has expired." };
    if (this.revokedTokenIds.has(String(c.uti))) return { error: "The access token has been revoked." };
    if (typeof c.nbf === "number" && c.nbf > now + 300) return { error: "The access token is not yet valid." };
    if (!this.trustedIssuer(c.iss)) return { error: `The access token issuer '${String(c.iss)}' is not trusted.` };
    if (c.tid !== this.tenantId) return { error: "The access token is for another tenant." };
    // Dataverse: the audience is the instance the request was sent to (`https://{org}.crm….`).
    const expected = surface === "dataverse" ? (instanceOrigin ?? "").toLowerCase() : AUDIENCE_OF[surface];
    const aud = String(c.aud ?? "").replace(/\/+$/, "").toLowerCase();
    if (aud !== expected) return { error: `The access token audience '${String(c.aud)}' is invalid for this API; expected '${expected}'.` };
    const isUser = c.idtyp === "user";
    const isAdmin = isUser ? Array.isArray(c.wids) && c.wids.includes(PP_ADMIN_ROLE) : Array.isArray(c.roles) && c.roles.includes("PowerPlatform.Admin");
    return { kind: isUser ? "user" : "app", objectId: String(c.oid), appId: String(c.appid), isAdmin, type: isUser ? "User" : "ServicePrincipal", displayName: typeof c.name === "string" ? c.name : undefined };
  }
}

function aad(status: number, error: string, description: string, code: number): Reply {
  const now = new Date();
  return {
    status,
    body: {
      error, error_description: `${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${now.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}`,
      error_codes: [code], timestamp: now.toISOString().replace(/\.\d+Z$/, "Z"), trace_id: randomUUID(), correlation_id: randomUUID(),
    },
  };
}
