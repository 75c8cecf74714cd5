/**
 * Azurite (the Azure Storage emulator, npm package `azurite`) for end-to-end tests of
 * Pulumi's azblob:// backend: started on a random loopback port with a throw-away data
 * directory, stopped after, and a small Blob REST client (Shared Key authorization) to
 * create the state container and look at what Pulumi wrote into it.
 *
 * Evidence:
 * - the well-known development account and key:
 *   https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
 * - Shared Key signing (string to sign, canonicalized headers and resource):
 *   https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
 * - Create Container / List Blobs / Get Blob:
 *   https://learn.microsoft.com/rest/api/storageservices/create-container
 *   https://learn.microsoft.com/rest/api/storageservices/list-blobs
 * - How Pulumi's backend (gocloud.dev/blob/azureblob, the version Pulumi 3.276 builds
 *   with) finds the service: AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY, and the bucket
 *   URL's `domain`, `protocol` and `localemu` query parameters (with `localemu=true` the
 *   URL is `<protocol>://<domain>/<account>`, Azurite's path style).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";

export const azuriteAccount = "devstoreaccount1";
/** Azurite's published development key (not a secret: the same for every Azurite). */
export const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const apiVersion = "2021-12-02";

export interface BlobResponse {
  status: number;
  body: string;
}

export class RunningAzurite {
  constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    /** host:port of the blob endpoint, e.g. 127.0.0.1:40123. */
    readonly hostPort: string,
  ) {}

  /** The Pulumi backend URL of `container` on this Azurite. */
  backendUrl(container: string): string {
    return `azblob://${container}?domain=${this.hostPort}&protocol=http&localemu=true`;
  }

  /** The environment Pulumi needs to sign its requests (account and key). */
  get credentialsEnv(): Record<string, string> {
    return { AZURE_STORAGE_ACCOUNT: azuriteAccount, AZURE_STORAGE_KEY: azuriteKey };
  }

  /** A Blob REST request signed with the account key (Shared Key). */
  request(method: string, resource: string, query: Record<string, string> = {}, body = ""): Promise<BlobResponse> {
    const headers: Record<string, string> = { "x-ms-date": new Date().toUTCString(), "x-ms-version": apiVersion };
    const payload = Buffer.from(body);
    const contentLength = payload.length > 0 ? String(payload.length) : "";
    const canonicalHeaders = Object.keys(headers)
      .sort()
      .map((name) => `${name}:${headers[name]}\n`)
      .join("");
    const canonicalQuery = Object.keys(query)
      .map((k) => k.toLowerCase())
      .sort()
      .map((k) => `\n${k}:${query[k]}`)
      .join("");
    // Path style: the account is the first path segment, and the canonicalized resource
    // names the account once more before the path.
    const urlPath = `/${azuriteAccount}/${resource.replace(/^\//, "")}`;
    const stringToSign = [method, "", "", contentLength, "", "", "", "", "", "", "", ""].join("\n") + "\n" + canonicalHeaders + `/${azuriteAccount}${urlPath}${canonicalQuery}`;
    const signature = createHmac("sha256", Buffer.from(azuriteKey, "base64")).update(stringToSign, "utf8").digest("base64");
    const search = new URLSearchParams(query).toString();
    const [hostname, port] = this.hostPort.split(":");
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          hostname,
          port: Number(port),
          method,
          path: `${urlPath.split("/").map(encodeURIComponent).join("/")}${search ? `?${search}` : ""}`,
          headers: { ...headers, authorization: `SharedKey ${azuriteAccount}:${signature}`, ...(contentLength ? { "content-length": contentLength } : { "content-length": "0" }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", reject);
      if (payload.length > 0) req.write(payload);
      req.end();
    });
  }

  async createContainer(container: string): Promise<void> {
    const res = await this.request("PUT", container, { restype: "container" });
    if (res.status !== 201) throw new Error(`Azurite: creating container ${container} answered ${res.status}: ${res.body}`);
  }

  /** Names of the blobs in `container` (under `prefix`), every page. */
  async listBlobs(container: string, prefix = ""): Promise<string[]> {
    const names: string[] = [];
    let marker = "";
    do {
      const query: Record<string, string> = { comp: "list", restype: "container", ...(prefix ? { prefix } : {}), ...(marker ? { marker } : {}) };
      const res = await this.request("GET", container, query);
      if (res.status !== 200) throw new Error(`Azurite: listing ${container} answered ${res.status}: ${res.body}`);
      for (const m of res.body.matchAll(/<Blob>\s*<Name>([^<]*)<\/Name>/g)) names.push(decodeXml(m[1]));
      marker = /<NextMarker>([^<]+)<\/NextMarker>/.exec(res.body)?.[1] ?? "";
    } while (marker);
    return names.sort();
  }

  async getBlob(container: string, name: string): Promise<string> {
    const res = await this.request("GET", `${container}/${name}`);
    if (res.status !== 200) throw new Error(`Azurite: reading ${container}/${name} answered ${res.status}: ${res.body}`);
    return res.body;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

const decodeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** Starts `azurite-blob` (from node_modules/.bin, on PATH through scripts/toolchain.sh) on 127.0.0.1, a free port. */
export function startAzurite(): Promise<RunningAzurite> {
  const found = (process.env.PATH ?? "").split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, "azurite-blob")));
  if (!found) throw new Error("azurite-blob is not on PATH: install the devDependencies (npm install) and run through scripts/toolchain.sh");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pp-azurite-"));
  const child = spawn(
    "azurite-blob",
    ["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dataDir, "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listens on http:\/\/(127\.0\.0\.1:\d+)/.exec(output);
      if (listening) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(new RunningAzurite(child, dataDir, listening[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`azurite-blob exited (${code}) before listening:\n${output}`)));
  });
}
