// TLS material: a CA created on first start and kept in the data dir, a leaf
// certificate for 127.0.0.1 / localhost / ::1 and the Microsoft host names of
// proxy mode (microsoftHosts.ts) signed by it, the token-signing
// key, and the certificate of the seeded certificate service principal.
import "reflect-metadata";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { webcrypto, createPrivateKey, createPublicKey, KeyObject, X509Certificate, generateKeyPairSync } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { MICROSOFT_HOST_PATTERNS } from "./microsoftHosts";

x509.cryptoProvider.set(webcrypto as any);
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export function defaultDataDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "powerplatform-iac", "emulator");
}

const ALG = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

async function keyPairPem(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as any);
  return x509.PemConverter.encode(pkcs8, "PRIVATE KEY");
}

export interface TlsMaterial {
  caCertPath: string;
  caCertPem: string;
  serverKeyPem: string;
  serverCertPem: string;
  signingKey: KeyObject;
  signingPublicKey: KeyObject;
  signingKid: string;
  /** Key the emulator uses as an external OIDC issuer (federated tokens). */
  federatedKey: KeyObject;
  federatedPublicKey: KeyObject;
  federatedKid: string;
  spCertPemPath: string;
  spCert: X509Certificate;
  spCertThumbprintSha1: string; // hex upper
  spCertThumbprintSha256: string; // hex upper
}

function writeAtomic(file: string, data: string) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function ensureCa(dir: string): Promise<{ certPem: string; keyPem: string }> {
  const certFile = path.join(dir, "ca.pem");
  const keyFile = path.join(dir, "ca-key.pem");
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const certPem = fs.readFileSync(certFile, "utf8");
    const c = new X509Certificate(certPem);
    if (new Date(c.validTo).getTime() > Date.now() + 86400_000) return { certPem, keyPem: fs.readFileSync(keyFile, "utf8") };
  }
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: "CN=Power Platform Tenant Emulator Local CA, O=powerplatform-iac",
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString("pem");
  const keyPem = await keyPairPem(keys);
  writeAtomic(keyFile, keyPem);
  writeAtomic(certFile, certPem + "\n");
  return { certPem, keyPem };
}

/**
 * Local host names the emulator serves besides `localhost`: the regional BAP hosts of
 * default mode (`{geo}.localhost`; listed one by one, as Node refuses a two-label wildcard
 * such as `*.localhost`) and the Dataverse instances (`{domain}.crm.localhost`,
 * `{domain}.api.crm.localhost`). A cached leaf certificate without them is replaced.
 */
export const LOCAL_GEOGRAPHIES = [
  "unitedstates", "europe", "asia", "australia", "india", "japan", "canada", "unitedkingdom", "southamerica",
  "france", "germany", "switzerland", "norway", "korea", "southafrica", "unitedarabemirates",
];
export const LOCAL_DNS_NAMES: readonly string[] = [...LOCAL_GEOGRAPHIES.map((g) => `${g}.localhost`), "*.crm.localhost", "*.api.crm.localhost"];
const hasLocalNames = (c: X509Certificate) => LOCAL_DNS_NAMES.every((n) => (c.subjectAltName ?? "").split(", ").includes(`DNS:${n}`));

async function ensureLeaf(dir: string, ca: { certPem: string; keyPem: string }): Promise<{ certPem: string; keyPem: string }> {
  const certFile = path.join(dir, "server.pem");
  const keyFile = path.join(dir, "server-key.pem");
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const certPem = fs.readFileSync(certFile, "utf8");
    const c = new X509Certificate(certPem);
    if (c.checkIssued(new X509Certificate(ca.certPem)) && c.verify(new X509Certificate(ca.certPem).publicKey) &&
      new Date(c.validTo).getTime() > Date.now() + 86400_000 && coversMicrosoftHosts(c) && hasLocalNames(c))
      return { certPem, keyPem: fs.readFileSync(keyFile, "utf8") };
  }
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decode(ca.keyPem)[0], ALG, false, ["sign"]);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (Date.now() + 1).toString(16),
    subject: "CN=localhost",
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 825 * 86400_000),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
        { type: "dns", value: "localhost" },
        ...microsoftHostSans(),
        ...LOCAL_DNS_NAMES.map((value) => ({ type: "dns" as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const certPem = cert.toString("pem");
  const keyPem = await keyPairPem(keys);
  writeAtomic(keyFile, keyPem);
  writeAtomic(certFile, certPem + "\n");
  return { certPem, keyPem };
}

/** Proxy mode: the leaf also names every Microsoft host the emulator plays. */
function microsoftHostSans(): { type: "dns"; value: string }[] {
  return MICROSOFT_HOST_PATTERNS.map((value) => ({ type: "dns" as const, value }));
}

/** A leaf written by an older emulator lacks some Microsoft names: it is then made anew. */
function coversMicrosoftHosts(c: X509Certificate): boolean {
  const names = new Set((c.subjectAltName ?? "").split(/,\s*/).filter((n) => n.startsWith("DNS:")).map((n) => n.slice(4).toLowerCase()));
  return MICROSOFT_HOST_PATTERNS.every((p) => names.has(p.toLowerCase()));
}

function ensureRsaKey(file: string): KeyObject {
  if (fs.existsSync(file)) return createPrivateKey(fs.readFileSync(file, "utf8"));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeAtomic(file, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  return privateKey;
}

async function ensureSpCert(dir: string): Promise<string> {
  const file = path.join(dir, "sp-certificate.pem");
  if (fs.existsSync(file)) return file;
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (Date.now() + 2).toString(16),
    name: "CN=powerplatform-emulator-automation",
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 5 * 365 * 86400_000),
    signingAlgorithm: ALG,
    keys,
  });
  writeAtomic(file, cert.toString("pem") + "\n" + (await keyPairPem(keys)) + "\n");
  return file;
}

const kidOf = (k: KeyObject) => {
  const jwk = createPublicKey(k).export({ format: "jwk" }) as { n: string };
  return Buffer.from(jwk.n.slice(0, 24)).toString("hex").slice(0, 32);
};

export async function loadTlsMaterial(dataDir: string): Promise<TlsMaterial> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const ca = await ensureCa(dataDir);
  const leaf = await ensureLeaf(dataDir, ca);
  const signingKey = ensureRsaKey(path.join(dataDir, "token-signing-key.pem"));
  const federatedKey = ensureRsaKey(path.join(dataDir, "federated-issuer-key.pem"));
  const spCertPemPath = await ensureSpCert(dataDir);
  const spCert = new X509Certificate(fs.readFileSync(spCertPemPath, "utf8"));
  return {
    caCertPath: path.join(dataDir, "ca.pem"),
    caCertPem: ca.certPem,
    serverKeyPem: leaf.keyPem,
    serverCertPem: leaf.certPem,
    signingKey,
    signingPublicKey: createPublicKey(signingKey),
    signingKid: kidOf(signingKey),
    federatedKey,
    federatedPublicKey: createPublicKey(federatedKey),
    federatedKid: kidOf(federatedKey),
    spCertPemPath,
    spCert,
    spCertThumbprintSha1: spCert.fingerprint.replace(/:/g, ""),
    spCertThumbprintSha256: spCert.fingerprint256.replace(/:/g, ""),
  };
}
