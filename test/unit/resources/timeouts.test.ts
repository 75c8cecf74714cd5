/**
 * customTimeouts for the dynamic resources: the constructors pass them as the reserved
 * input `__timeouts`, and the runtime turns them into the deadline of the operation's waits
 * without them ever showing in a diff.
 */
import { currentOperationDeadline } from "../../../provider/client/deadline";
import type { ResourceHandler } from "../../../provider/resources/handler";
import { checkTimeouts, operationDeadline, parseDuration, timeoutsInput, withTimeouts } from "../../../provider/resources/timeouts";
import { handlerFor } from "../../../provider/runtime";

describe("parseDuration (Go's time.ParseDuration, as Pulumi documents customTimeouts)", () => {
  test.each([
    ["30s", 30_000],
    ["20m", 1_200_000],
    ["1h30m", 5_400_000],
    ["2h45m10s", 9_910_000],
    ["1.5h", 5_400_000],
    ["300ms", 300],
    [".5m", 30_000],
    ["0", 0],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(["", "30", "m", "10 minutes", "1d", "-5m", "1h 30m", "abc"])("%j is not a duration", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("timeoutsInput (the resource constructors)", () => {
  test("passes the set timeouts as __timeouts, nothing when none is set", () => {
    expect(timeoutsInput({ customTimeouts: { create: "20m", delete: "1h" } })).toEqual({ __timeouts: { create: "20m", delete: "1h" } });
    expect(timeoutsInput({ customTimeouts: { update: "" } })).toEqual({});
    expect(timeoutsInput({})).toEqual({});
    expect(timeoutsInput(undefined)).toEqual({});
  });
});

describe("checkTimeouts", () => {
  test("names the option of every bad value", () => {
    expect(checkTimeouts({ create: "20m", update: "1h30m", delete: "90s" })).toEqual([]);
    expect(checkTimeouts(undefined)).toEqual([]);
    const failures = checkTimeouts({ create: "ten minutes", update: "0", read: "5m" });
    expect(failures.map((f) => f.property).sort()).toEqual(["customTimeouts.create", "customTimeouts.read", "customTimeouts.update"]);
    expect(failures.find((f) => f.property === "customTimeouts.create")!.reason).toMatch(/positive duration such as "30s", "20m" or "1h30m" \(got "ten minutes"\)/);
  });
});

describe("operationDeadline", () => {
  test("starts now and is labelled with the option that set it", () => {
    expect(operationDeadline({ create: "2m" }, "create", 1_000)).toEqual({ at: 121_000, label: "customTimeouts.create (2m)" });
    expect(operationDeadline({ create: "2m" }, "update", 1_000)).toBeUndefined();
    expect(operationDeadline(undefined, "delete")).toBeUndefined();
  });
});

interface Seen {
  checkNews?: Record<string, unknown>;
  diffArgs?: [unknown, unknown];
  createInputs?: Record<string, unknown>;
  deadline?: ReturnType<typeof currentOperationDeadline>;
  deleteProps?: Record<string, unknown>;
}

/** A resource handler that records what it is given and the deadline it runs under. */
function recordingHandler(seen: Seen, options: { failCreate?: boolean } = {}): ResourceHandler<Record<string, unknown>, Record<string, unknown>> {
  return {
    async check(_olds, news) {
      seen.checkNews = news;
      const { name } = news;
      return { inputs: { name } };
    },
    async diff(_id, olds, news) {
      seen.diffArgs = [olds, news];
      return { changes: olds.name !== news.name, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
      seen.createInputs = inputs;
      seen.deadline = currentOperationDeadline();
      if (options.failCreate) throw Object.assign(new Error("wait failed"), { id: "id-1", properties: { name: inputs.name } });
      return { id: "id-1", outs: { name: inputs.name, computed: "x" } };
    },
    async read(id, props) {
      return { id, props: { name: props.name, computed: "x" }, inputs: { name: props.name } };
    },
    async update(_id, _olds, news) {
      seen.deadline = currentOperationDeadline();
      return { outs: { name: news.name, computed: "y" } };
    },
    async delete(_id, props) {
      seen.deleteProps = props;
      seen.deadline = currentOperationDeadline();
    },
  };
}

describe("withTimeouts (the runtime)", () => {
  const timeouts = { create: "20m", update: "5m", delete: "1h" };

  test("check keeps __timeouts for the engine; the resource's own check never sees it", async () => {
    const seen: Seen = {};
    const result = await withTimeouts(recordingHandler(seen)).check({}, { name: "a", __timeouts: timeouts });
    expect(seen.checkNews).toEqual({ name: "a" });
    expect(result.inputs).toEqual({ name: "a", __timeouts: timeouts });
  });

  test("check refuses a bad timeout before any API call, naming customTimeouts.<operation>", async () => {
    const result = await withTimeouts(recordingHandler({})).check({}, { name: "a", __timeouts: { create: "soon" } });
    expect(result.inputs).toBeUndefined();
    expect(result.failures).toEqual([expect.objectContaining({ property: "customTimeouts.create" })]);
  });

  test("changing only a timeout is never a change nor a replace", async () => {
    const seen: Seen = {};
    const wrapped = withTimeouts(recordingHandler(seen));
    const diff = await wrapped.diff("id-1", { name: "a", __timeouts: { create: "20m" } }, { name: "a", __timeouts: { create: "1h" } });
    expect(diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(seen.diffArgs).toEqual([{ name: "a" }, { name: "a" }]);
    // Through the real runtime dispatcher too (stub-change rule included).
    const flowDiff = await handlerFor("FlowState").diff(
      "f",
      { environmentId: "e", flowId: "f", state: "Started", initialState: "Stopped", flowDisplayName: "x", __timeouts: { update: "1m" } },
      { environmentId: "e", flowId: "f", state: "Started", __timeouts: { update: "2h" } },
    );
    expect(flowDiff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
  });

  test("create runs under customTimeouts.create, gets inputs without __timeouts, and records it in the outputs", async () => {
    const seen: Seen = {};
    const before = Date.now();
    const { id, outs } = await withTimeouts(recordingHandler(seen)).create({ name: "a", __timeouts: timeouts });
    expect(id).toBe("id-1");
    expect(seen.createInputs).toEqual({ name: "a" });
    expect(seen.deadline?.label).toBe("customTimeouts.create (20m)");
    expect(seen.deadline!.at).toBeGreaterThanOrEqual(before + 20 * 60_000);
    expect(outs).toEqual({ name: "a", computed: "x", __timeouts: timeouts });
  });

  test("without customTimeouts no scope is set: the client's bounded default applies", async () => {
    const seen: Seen = {};
    await withTimeouts(recordingHandler(seen)).create({ name: "a" });
    expect(seen.deadline).toBeUndefined();
  });

  test("a create whose wait fails still hands the engine the id, with the timeouts in the recorded properties", async () => {
    const error = await withTimeouts(recordingHandler({}, { failCreate: true })).create({ name: "a", __timeouts: timeouts }).catch((e: unknown) => e);
    expect(error).toMatchObject({ id: "id-1", properties: { name: "a", __timeouts: timeouts } });
  });

  test("update runs under customTimeouts.update; delete under the customTimeouts.delete recorded in the state", async () => {
    const seen: Seen = {};
    const wrapped = withTimeouts(recordingHandler(seen));
    const { outs } = await wrapped.update("id-1", { name: "a", __timeouts: timeouts }, { name: "b", __timeouts: timeouts });
    expect(seen.deadline?.label).toBe("customTimeouts.update (5m)");
    expect(outs.__timeouts).toEqual(timeouts);
    await wrapped.delete("id-1", { name: "b", computed: "y", __timeouts: timeouts });
    expect(seen.deadline?.label).toBe("customTimeouts.delete (1h)");
    expect(seen.deleteProps).toEqual({ name: "b", computed: "y" });
  });

  test("read keeps __timeouts in the outputs and the inputs, so refresh never shows it as drift", async () => {
    const result = await withTimeouts(recordingHandler({})).read("id-1", { name: "a", computed: "x", __timeouts: timeouts });
    expect(result.props).toEqual({ name: "a", computed: "x", __timeouts: timeouts });
    expect(result.inputs).toEqual({ name: "a", __timeouts: timeouts });
  });
});
