/**
 * The `powerplatform:*` stack configuration handed to the dynamic provider's configure()
 * (issue 10): what each key sets, stack config over the environment, the secret kept out
 * of anything printable, bad values named by their key.
 */
import { resolveConfig } from "../../../provider/client/config";
import { ConfigurationError } from "../../../provider/client/errors";
import { clientOptionsFromStackConfig, sameOptions, stackConfigKeys } from "../../../provider/resources/stackConfig";
import { clientFromEnvironment, configureFromStack } from "../../../provider/resources/runtimeSupport";

const SECRET = "stack-secret~value-1234";
const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("powerplatform:* stack configuration", () => {
  const full = {
    "powerplatform:tenantId": "tenant-from-stack",
    "powerplatform:clientId": "client-from-stack",
    "powerplatform:clientSecret": SECRET,
    "powerplatform:cloud": "usgovhigh",
    "powerplatform:apiUrl": "https://localhost:8443/",
    "powerplatform:bapUrl": "https://localhost:8444",
    "powerplatform:flowUrl": "https://localhost:8445",
    "powerplatform:requestTimeoutSeconds": "90",
    // Keys of other namespaces are ignored.
    "project:clientSecret": "other",
  };

  test("every key reaches the client configuration", () => {
    const options = clientOptionsFromStackConfig(source(full));
    const config = resolveConfig({ ...options, clientSecret: options.clientSecret, env: {} });
    expect(config.credential).toMatchObject({ tenantId: "tenant-from-stack", clientId: "client-from-stack" });
    expect(config.credential.clientSecret).toBe(SECRET);
    expect(config.endpoints).toEqual({ powerplatform: "https://localhost:8443", bap: "https://localhost:8444", flow: "https://localhost:8445" });
    expect(config.requestTimeoutMs).toBe(90_000);
    expect(config.cloud).toBe(resolveConfig({ cloud: "usgovhigh", env: {} }).cloud);
  });

  test("stack config wins over the environment; what it does not set comes from the environment", () => {
    const options = clientOptionsFromStackConfig(source({ "powerplatform:clientId": "client-from-stack", "powerplatform:clientSecret": SECRET }));
    const config = resolveConfig({
      ...options,
      clientSecret: options.clientSecret,
      env: { AZURE_CLIENT_ID: "client-from-env", AZURE_CLIENT_SECRET: "env-secret-5678", AZURE_TENANT_ID: "tenant-from-env" },
    });
    expect(config.credential.clientId).toBe("client-from-stack");
    expect(config.credential.clientSecret).toBe(SECRET);
    expect(config.credential.tenantId).toBe("tenant-from-env");
    const fromEnv = resolveConfig({ ...clientOptionsFromStackConfig(source({})), env: { AZURE_CLIENT_SECRET: "env-secret-5678" } });
    expect(fromEnv.credential.clientSecret).toBe("env-secret-5678");
  });

  test("the secret never shows when the options or the configuration are printed", () => {
    const options = clientOptionsFromStackConfig(source(full));
    expect(JSON.stringify(options)).not.toContain(SECRET);
    expect(Object.values({ ...options }).join(" ")).not.toContain(SECRET);
    const config = resolveConfig({ ...options, clientSecret: options.clientSecret, env: {} });
    expect(JSON.stringify(config)).not.toContain(SECRET);
  });

  test("bad values are named by their key", () => {
    expect(() => clientOptionsFromStackConfig(source({ "powerplatform:apiUrl": "http://api.example.com" }))).toThrow(
      new RegExp(`^${stackConfigKeys.apiUrl}: plain http:// is refused`),
    );
    expect(() => clientOptionsFromStackConfig(source({ "powerplatform:requestTimeoutSeconds": "soon" }))).toThrow(ConfigurationError);
    expect(() => clientOptionsFromStackConfig(source({ "powerplatform:requestTimeoutSeconds": "soon" }))).toThrow(/powerplatform:requestTimeoutSeconds/);
  });

  test("a changed secret is a changed configuration", () => {
    const a = clientOptionsFromStackConfig(source({ "powerplatform:clientSecret": SECRET }));
    const b = clientOptionsFromStackConfig(source({ "powerplatform:clientSecret": `${SECRET}-2` }));
    expect(sameOptions(a, clientOptionsFromStackConfig(source({ "powerplatform:clientSecret": SECRET })))).toBe(true);
    expect(sameOptions(a, b)).toBe(false);
  });
});

describe("configure() in the provider process", () => {
  test("a bad value fails configure and every later call (Pulumi caches the provider even when configure throws)", async () => {
    const bad = source({ "powerplatform:bapUrl": "ftp://bap.example.com" });
    await expect(configureFromStack(bad)).rejects.toThrow(/^powerplatform:bapUrl: unsupported scheme/);
    await expect(clientFromEnvironment()).rejects.toThrow(/^powerplatform:bapUrl: unsupported scheme/);
    await configureFromStack(source({ "powerplatform:bapUrl": "https://localhost:9443" }));
    const client = await clientFromEnvironment();
    expect(client.config.endpoints.bap).toBe("https://localhost:9443");
    client.close();
  });
});
