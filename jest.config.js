/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  // Two cores: one worker per core keeps emulator-backed suites from starving each other.
  maxWorkers: 2,
  testTimeout: 60000,
  // The Pulumi and Terraform suites drive child processes from the built dist/.
  modulePathIgnorePatterns: ["<rootDir>/dist/"],
};
