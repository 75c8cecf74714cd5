/**
 * The implementation side of the dynamic resources, loaded by name
 * (`@powerplatform-iac/provider/runtime`) inside Pulumi's dynamic-provider process.
 * See resources/dynamicProvider.ts for why the state holds only a forwarding stub.
 */
import type { ResourceHandler } from "./resources/handler";
import { billingPolicyHandler } from "./resources/billingPolicy";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const handlers: Record<string, ResourceHandler<any, any>> = {
    BillingPolicy: billingPolicyHandler,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function handlerFor(kind: string): ResourceHandler<any, any> {
    const handler = handlers[kind];
    if (!handler) {
        throw new Error(`@powerplatform-iac/provider: no resource named ${kind} in this version of the package; upgrade it`);
    }
    return handler;
}
