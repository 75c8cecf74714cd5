/**
 * The drift report's Markdown (a CI job summary, a pull-request comment) carries tenant
 * data someone typed in the admin center: it must render as those characters and never
 * as HTML, a link, an @mention, emphasis or extra table cells (issue 8, lower items).
 */
import { type DriftReport, markdownCode, markdownText, renderMarkdown } from "../../../provider/drift/report";

const hostile = [
  '<img src=x onerror="alert(1)">',
  "[click here](https://evil.example/steal)",
  "https://evil.example/x and www.evil.example",
  "@contoso/admins please approve",
  "a | b | c",
  "**bold** _it_ `code` ~~strike~~ # heading",
  "line 1\nline 2",
  "mail: mailto:someone@example.com",
].join(" ");

const report: DriftReport = {
  stack: "prod",
  project: "tenant",
  checkedAt: "2026-11-21T00:00:00.000Z",
  resourcesChecked: 1,
  drifted: [
    {
      urn: "urn:pulumi:prod::tenant::pulumi-nodejs:dynamic/powerplatform:Environment::sales",
      type: "pulumi-nodejs:dynamic/powerplatform:Environment",
      name: "sales|`x`",
      change: "modified",
      properties: [{ path: "displayName", before: "Sales", after: hostile }],
    },
  ],
  policyViolations: [{ policyPack: "p", policy: "environment-display-name-convention", enforcementLevel: "advisory", message: `Environment "sales" violates the rule: displayName "${hostile}"` }],
};

/** The cells of a table row, split on unescaped pipes as GitHub does. */
const cells = (row: string) => row.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/);

describe("drift Markdown escapes tenant data", () => {
  const md = renderMarkdown(report);
  const rows = md.split("\n").filter((l) => l.startsWith("|"));

  test("no HTML tag, link, autolink, @mention or line break from the data survives", () => {
    expect(md).not.toMatch(/<img/i);
    expect(md).not.toContain("](");
    expect(md).not.toMatch(/https?:\/\//);
    expect(md).not.toMatch(/www\./i);
    expect(md).not.toMatch(/mailto:/);
    expect(md).not.toMatch(/(^|[^&#\w])@contoso/);
    expect(md).toContain("&lt;img src=x onerror=\"alert\\(1\\)\"&gt;");
    expect(md).toContain("\\[click here\\]\\(https&#58;//evil.example/steal\\)");
    expect(md).toContain("&#64;contoso/admins");
  });

  test("every row has exactly its columns: pipes in the data are escaped", () => {
    const violations = rows.findIndex((r) => r.startsWith("| level"));
    expect(violations).toBe(3); // header, separator, one drift row
    rows.slice(0, violations).forEach((row) => expect(cells(row)).toHaveLength(5));
    rows.slice(violations).forEach((row) => expect(cells(row)).toHaveLength(3));
  });

  test("emphasis and code markers are escaped; newlines become spaces", () => {
    expect(markdownText("**b** _i_ `c` ~s~ #h")).toBe("\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~s\\~ \\#h");
    expect(markdownText("a\nb\r\nc")).toBe("a b c");
  });

  test("a name in a code span cannot close it early, and its pipes are escaped", () => {
    expect(markdownCode("plain")).toBe("`plain`");
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("`x` | y")).toBe("`` `x` \\| y ``");
  });

  test("an ordinary report is unchanged in look", () => {
    const plain = renderMarkdown({ ...report, drifted: [{ ...report.drifted[0], name: "payg", properties: [{ path: "status", before: "Enabled", after: "Disabled" }] }], policyViolations: [] });
    expect(plain).toContain('| Environment `payg` | modified | `status` | "Enabled" | "Disabled" |');
  });
});
