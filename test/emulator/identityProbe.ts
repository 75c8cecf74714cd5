// Runs the real @azure/identity credentials against the emulator in a separate
// process (jest cannot load @azure/identity's ESM-only dependencies in its
// CommonJS runtime). Input: JSON array of cases in argv[2]; output: JSON results.
// The process trusts the emulator through NODE_EXTRA_CA_CERTS (from emu.env).
import { ClientSecretCredential, ClientCertificateCredential, WorkloadIdentityCredential, ClientAssertionCredential, UsernamePasswordCredential, TokenCredential } from "@azure/identity";

interface Case { kind: "secret" | "certificate" | "workload" | "assertion" | "password"; scope: string; clientId?: string; secret?: string; certificatePath?: string; tokenFilePath?: string; assertion?: string; username?: string; password?: string }

async function main() {
  const cases = JSON.parse(process.argv[2]) as Case[];
  const tenantId = process.env.AZURE_TENANT_ID!;
  // MSAL's instance discovery calls login.microsoftonline.com; disable it for a private authority.
  const o = { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
  const out = [];
  for (const c of cases) {
    let cred: TokenCredential;
    const clientId = c.clientId ?? process.env.AZURE_CLIENT_ID!;
    switch (c.kind) {
      case "secret": cred = new ClientSecretCredential(tenantId, clientId, c.secret ?? process.env.AZURE_CLIENT_SECRET!, o); break;
      case "certificate": cred = new ClientCertificateCredential(tenantId, clientId, { certificatePath: c.certificatePath! }, o); break;
      case "workload": cred = new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath: c.tokenFilePath!, ...o }); break;
      case "assertion": cred = new ClientAssertionCredential(tenantId, clientId, async () => c.assertion!, o); break;
      case "password": cred = new UsernamePasswordCredential(tenantId, clientId, c.username!, c.password!, o); break;
    }
    try {
      const t = await cred!.getToken(c.scope);
      out.push({ ok: true, token: t!.token, expiresOnTimestamp: t!.expiresOnTimestamp });
    } catch (e) {
      out.push({ ok: false, message: String((e as Error).message) });
    }
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { process.stderr.write(String(e?.stack ?? e)); process.exit(1); });
