// Runs OUR client (createClient, no endpoint override) in a separate process
// whose environment has only the proxy-mode variables: HTTPS_PROXY, the CA
// (NODE_EXTRA_CA_CERTS) and AZURE_* credentials. The hosts are the real ones
// (login.microsoftonline.com, api.bap.microsoft.com, api.powerplatform.com,
// api.flow.microsoft.com); this machine cannot resolve them, so every answer
// proves the request went through the proxy. Output: JSON on stdout.
import { createClient } from "../../provider/client";

async function main() {
  const client = createClient();
  try {
    const policies = await client.billingPolicies.list();
    const environments = await client.environments.list();
    const withDataverse = environments.find((e) => e.properties?.linkedEnvironmentMetadata);
    const flows = withDataverse ? await client.flows.list(withDataverse.name) : [];
    process.stdout.write(JSON.stringify({
      ok: true,
      endpoints: { authority: client.config.authorityHost, ...client.config.endpoints },
      billingPolicies: policies.length,
      environments: environments.length,
      flows: flows.length,
    }));
  } catch (e) {
    const err = e as Error & { errno?: string };
    process.stdout.write(JSON.stringify({ ok: false, name: err.name, errno: err.errno, message: err.message }));
  } finally {
    client.close();
  }
}

void main();
