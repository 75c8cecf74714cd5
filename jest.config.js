// Unit tests, emulator tests and end-to-end tests on the real Pulumi engine.
// TypeScript is transpiled per file (types are checked once by `tsc --noEmit`
// in the test command); ESM-only dependencies (p-retry) are transpiled to
// CommonJS so that jest's module system can load them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.[tj]s$": [
      "ts-jest",
      {
        tsconfig: { module: "commonjs", moduleResolution: "node10", allowJs: true, esModuleInterop: true, target: "ES2022", isolatedModules: true },
      },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!(p-retry|is-network-error)/)"],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/summaryReporter.js"],
};
