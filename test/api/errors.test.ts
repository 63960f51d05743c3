import {
  AuthenticationError,
  ConflictError,
  isNotFound,
  isSpotApiError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  ServerError,
  SpotApiError,
  ValidationError,
} from "../../src/api";
import { errorFromResponse, withAttempts } from "../../src/api/errors";
import { registerSecret } from "../../src/api/redact";

const base = { method: "GET", path: "/setup/account/act-12345678", requestId: "46642c7d-bc29-417d-8ce4-79626f00c63c" };

describe("error mapping", () => {
  test.each([
    [400, [{ code: "Account_DOESNT_EXIST", message: "Account does not exist" }], NotFoundError],
    [400, [{ code: "ServiceAccount_DOESNT_EXIST", message: "x" }], NotFoundError],
    [400, [{ code: "GROUP_DOESNT_EXIST", message: "x" }], NotFoundError],
    [
      400,
      [
        { code: "ValidationError", message: '"x" is required' },
        { code: "USER_DOESNT_EXIST", message: "y" },
      ],
      NotFoundError,
    ],
    [404, [], NotFoundError],
    [400, [{ code: "ValidationError", message: '"accountId" is required', field: "query.accountId" }], ValidationError],
    [401, [], AuthenticationError],
    [403, [{ code: "FORBIDDEN", message: "no" }], PermissionError],
    [429, [], RateLimitedError],
    [409, [], ConflictError],
    [400, [{ code: "ACCOUNT_ALREADY_EXISTS", message: "dup" }], ConflictError],
    [500, [], ServerError],
    [503, [{ code: "503", message: "Service Unavailable" }], ServerError],
  ])("HTTP %d %j → %p", (status, errors, cls) => {
    const e = errorFromResponse({ ...base, status }, errors as never, { statusText: "x" });
    expect(e).toBeInstanceOf(cls);
    expect(e).toBeInstanceOf(SpotApiError);
    expect(isNotFound(e)).toBe(cls === NotFoundError);
  });

  test("a not-found code wins even when listed after another error", () => {
    const e = errorFromResponse({ ...base, status: 400 }, [
      { code: "ValidationError", message: "a" },
      { code: "Account_DOESNT_EXIST", message: "b" },
    ]);
    expect(e.code).toBe("Account_DOESNT_EXIST");
  });

  test("the message is one readable line with method, path, status, code, field, request id and a hint", () => {
    const e = errorFromResponse({ ...base, method: "POST", path: "/setup/credentials/aws", status: 400 }, [
      { code: "ValidationError", message: '"accountId"\nis required', field: "query.accountId" },
    ]);
    expect(e.message).toBe(
      'POST /setup/credentials/aws: 400 ValidationError: "accountId" is required (field: query.accountId) ' +
        "(request: 46642c7d-bc29-417d-8ce4-79626f00c63c) — fix query.accountId and try again",
    );
    expect(e).toMatchObject({ status: 400, code: "ValidationError", field: "query.accountId", method: "POST" });
  });

  test("the documented 429 body (no errors array) still yields a readable error with the wait", () => {
    const e = errorFromResponse({ ...base, status: 429 }, [], { statusText: "Too Many Requests", retryAfterMs: 3000 });
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(3000);
    expect(e.message).toContain("429");
    expect(e.message).toContain("Too Many Requests");
  });

  test("401 carries the front-end's hint", () => {
    const e = errorFromResponse({ ...base, status: 401 }, [], { authHint: "check spot:token" });
    expect(e.message).toMatch(/check spot:token$/);
  });

  test("withAttempts keeps the class and adds attempts and why it stopped", () => {
    const e = new ServerError({ ...base, status: 503, code: "503", spotMessage: "Service Unavailable" });
    const w = withAttempts(e, 4, 2500, "retry limit of 4 attempts reached");
    expect(w).toBeInstanceOf(ServerError);
    expect(w.attempts).toBe(4);
    expect(w.message).toContain("[after 4 attempts over 2.5s; retry limit of 4 attempts reached]");
  });

  test("isNotFound / isSpotApiError also recognise errors from another copy of the module", () => {
    jest.isolateModules(() => {
      const other = require("../../src/api/errors");
      const foreign = new other.NotFoundError({ method: "GET", path: "/x" });
      expect(foreign).not.toBeInstanceOf(NotFoundError);
      expect(isNotFound(foreign)).toBe(true);
      expect(isSpotApiError(new other.ServerError({ method: "GET", path: "/x", status: 500 }))).toBe(true);
      expect(isNotFound(new other.ServerError({ method: "GET", path: "/x", status: 500 }))).toBe(false);
      expect(isNotFound(new Error("NotFoundError"))).toBe(false);
    });
  });

  test("network errors read well", () => {
    const e = new NetworkError({
      method: "GET",
      path: "/setup/account",
      code: "ECONNRESET",
      spotMessage: "socket hang up",
    });
    expect(e.message).toBe(
      "GET /setup/account: ECONNRESET: socket hang up — could not reach the Spot API; check the network and SPOTINST_BASE_URL",
    );
  });

  test("no secret survives into a message, even when Spot echoes it", () => {
    registerSecret("sup3r-s3cret-client-value");
    const e = errorFromResponse(
      { ...base, method: "POST", path: "/azure/setup/credentials?token=abcdef123", status: 400 },
      [
        {
          code: "ValidationError",
          message: 'clientSecret "sup3r-s3cret-client-value" rejected; {"password":"hunter22"}',
        },
      ],
    );
    expect(e.message).not.toContain("sup3r-s3cret-client-value");
    expect(e.message).not.toContain("hunter22");
    expect(e.message).not.toContain("abcdef123");
    expect(e.spotMessage).not.toContain("sup3r-s3cret-client-value");
    expect(JSON.stringify(e.errors)).not.toContain("sup3r-s3cret-client-value");
  });
});
