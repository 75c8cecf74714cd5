// Stable ids of the default seed, for tests and demos.
export const SEED = {
  tenantId: "8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00",
  tenantDomain: "contoso.onmicrosoft.com",
  admin: {
    // The admin service principal (client secret).
    clientId: "a1000000-0000-4000-8000-00000000a001",
    objectId: "a1000000-0000-4000-8000-00000000b001",
    clientSecret: "emulator-admin-secret~0001",
    displayName: "pulumi-powerplatform-admin",
  },
  certificateApp: {
    clientId: "a1000000-0000-4000-8000-00000000a002",
    objectId: "a1000000-0000-4000-8000-00000000b002",
    displayName: "pulumi-powerplatform-cert",
  },
  federatedApp: {
    clientId: "a1000000-0000-4000-8000-00000000a003",
    objectId: "a1000000-0000-4000-8000-00000000b003",
    displayName: "pulumi-powerplatform-oidc",
    /** issuer is `${emulatorUrl}/federated` (depends on the port) */
    subject: "repo:contoso/powerplatform-tenant:ref:refs/heads/main",
    audience: "api://AzureADTokenExchange",
    /** a second federated credential of the app: an Azure DevOps service connection (sc://org/project/connection) */
    serviceConnectionSubject: "sc://contoso/powerplatform/powerplatform-tenant",
  },
  publicClientId: "51f81489-12ee-4a9e-aaae-a2591f45987d",
  adminUser: {
    objectId: "c1000000-0000-4000-8000-0000000000a1",
    username: "admin@contoso.onmicrosoft.com",
    password: "Emulator-Admin-Pass1!",
    displayName: "Tenant Admin",
  },
  makerUser: {
    objectId: "c1000000-0000-4000-8000-0000000000a2",
    username: "maker@contoso.onmicrosoft.com",
    password: "Emulator-Maker-Pass1!",
    displayName: "Maker User",
  },
  otherUser: { objectId: "c1000000-0000-4000-8000-0000000000a3", displayName: "Other User" },
  group: { objectId: "c1000000-0000-4000-8000-0000000000b1", displayName: "Flow Owners" },
  environments: {
    default: "Default-8d1f7a2e-5c3b-4e1a-9f0d-2b6c4e8a1d00",
    production: "e1000000-0000-4000-8000-000000000001",
    sandbox: "e1000000-0000-4000-8000-000000000002",
    trial: "e1000000-0000-4000-8000-000000000003",
    developer: "e1000000-0000-4000-8000-000000000004",
  },
  billingPolicies: {
    us: "b1000000-0000-4000-8000-000000000001",
    europe: "b1000000-0000-4000-8000-000000000002",
  },
  flows: {
    dailyReport: "f1000000-0000-4000-8000-000000000001",
    invoiceApproval: "f1000000-0000-4000-8000-000000000002",
    suspendedSync: "f1000000-0000-4000-8000-000000000003",
  },
  flowRuns: {
    succeeded: "08585000000000000000000000001CU01",
    failed: "08585000000000000000000000002CU01",
    running: "08585000000000000000000000003CU01",
  },
  connections: {
    office365: "shared-office365-c1000000-0000-4000-8000-000000000001",
    dataverse: "shared-commondataser-c1000000-0000-4000-8000-000000000002",
  },
  /** A package of the catalog installable into the Production environment. */
  packages: { installable: "MicrosoftFormsPro", other: "msdyn_FlowApprovals" },
} as const;
