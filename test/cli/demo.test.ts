/** `npm run demo` in CI: the demo runs end to end, in-process, and says what it did. */
import { runDemo } from "../../src/cli/demo";

it("runs plan → apply → console change → drift → repair → audit and succeeds", async () => {
  let out = "";
  const code = await runDemo({ out: (s) => void (out += s), color: false });
  expect(out).not.toMatch(/Demo failed|\n\s+at /);
  expect(code).toBe(0);
  const steps = [...out.matchAll(/── (\d)\. /g)].map((m) => Number(m[1]));
  expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(out).toContain("Plan: 17 to create, 0 to update, 0 to replace, 0 to delete.");
  expect(out).toContain("Apply complete: 17 done, 0 failed, 0 not done.");
  expect(out).toMatch(
    /~ UserAttachment prod\/bob@example.com .* will be updated in place\n\s+role: "editor" → "viewer"/,
  );
  expect(out).toContain("exit code 2");
  expect(out).toContain("Apply complete: 1 done, 0 failed, 0 not done.");
  expect(out).toContain("No drift: live state matches the file.");
  expect(out).toContain("Receipt: 17 changes journaled, 17 found in Spot's audit log, 0 missing.");
  expect(out).toContain("Receipt: 1 change journaled, 1 found in Spot's audit log, 0 missing.");
  expect(out).toContain("Demo complete.");
  // Short enough to read.
  expect(out.split("\n").length).toBeLessThan(200);
});
