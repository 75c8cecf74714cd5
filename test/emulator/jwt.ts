// Minimal JWT (JWS compact) signing and verification on node:crypto.
// jose 6 is ESM-only and cannot be loaded by jest's CommonJS runtime, so the
// emulator signs RS256 itself and verifies RS256 and PS256 (MSAL signs client
// assertions with PS256 when given a SHA-256 thumbprint).
import { createSign, createVerify, constants, KeyObject } from "node:crypto";

export type JwtHeader = { alg: string; typ?: string; kid?: string; x5t?: string; "x5t#S256"?: string; [k: string]: unknown };
export type JwtClaims = Record<string, unknown>;

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function signJwt(claims: JwtClaims, key: KeyObject, kid: string): string {
  const header = { alg: "RS256", typ: "JWT", kid };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createSign("RSA-SHA256").update(input).sign(key);
  return `${input}.${b64url(sig)}`;
}

export function decodeJwt(token: string): { header: JwtHeader; claims: JwtClaims; input: string; signature: Buffer } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !claims || typeof claims !== "object") return undefined;
    return { header, claims, input: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], "base64url") };
  } catch {
    return undefined;
  }
}

/** Verifies the signature only (claims are checked by the caller). */
export function verifyJwtSignature(token: string, key: KeyObject): { header: JwtHeader; claims: JwtClaims } | undefined {
  const d = decodeJwt(token);
  if (!d) return undefined;
  const alg = d.header.alg;
  let ok = false;
  try {
    if (alg === "RS256") ok = createVerify("RSA-SHA256").update(d.input).verify(key, d.signature);
    else if (alg === "PS256")
      ok = createVerify("RSA-SHA256").update(d.input).verify(
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        d.signature,
      );
  } catch {
    ok = false;
  }
  return ok ? { header: d.header, claims: d.claims } : undefined;
}
