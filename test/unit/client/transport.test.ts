import { networkErrorFrom, parseBody } from "../../../provider/client/transport";
import { SECRET_TOKEN } from "./helpers";

describe("transport mapping", () => {
  test.each([
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:443", false, "ECONNREFUSED"],
    ["ENOTFOUND", "getaddrinfo ENOTFOUND api.example", false, "ENOTFOUND"],
    ["ECONNRESET", "read ECONNRESET", true, "ECONNRESET"],
    [undefined, "socket hang up", true, "ECONNRESET"],
    ["ECONNABORTED", "timeout of 60000ms exceeded", true, "ETIMEDOUT"],
    ["ETIMEDOUT", "connect ETIMEDOUT", true, "ETIMEDOUT"],
  ])("%s / %s", (code, message, sent, errno) => {
    const raw = Object.assign(new Error(message), code ? { code } : {}, { config: { headers: { Authorization: `Bearer ${SECRET_TOKEN}` } } });
    const e = networkErrorFrom(raw, "GET", "https://api.powerplatform.com/x?sig=abc");
    expect(e.name).toBe("NetworkError");
    expect(e.requestSent).toBe(sent);
    expect(e.errno).toBe(errno);
    expect(JSON.stringify(e)).not.toContain(SECRET_TOKEN);
    expect(e.path).toBe("/x?sig=[REDACTED]");
  });

  test("bodies: JSON text parsed, empty → undefined, text kept", () => {
    expect(parseBody('{"a":1}')).toEqual({ a: 1 });
    expect(parseBody("")).toBeUndefined();
    expect(parseBody("Bad Gateway")).toBe("Bad Gateway");
    expect(parseBody("{not json")).toBe("{not json");
  });
});
