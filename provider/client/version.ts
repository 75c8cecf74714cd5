/** Version of this client, sent in the User-Agent. Keep in step with provider/package.json. */
export const CLIENT_VERSION = "0.1.0";
export const USER_AGENT = `powerplatform-iac/${CLIENT_VERSION}`;
