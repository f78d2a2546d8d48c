// Tests run as ESM (the packages are ESM); swc strips types, `npm run typecheck` checks them.
const common = {
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "es6" } },
    ],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testEnvironment: "node",
  // Workspace packages resolve to their TypeScript sources ("source" export condition), not to dist/.
  testEnvironmentOptions: { customExportConditions: ["source", "node", "node-addons"] },
};

export default {
  // Per-project testTimeout is not applied by jest; integration tests boot services and need minutes.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/{packages,services,infra,dev}/**/test/**/*.test.ts"],
      testPathIgnorePatterns: ["\\.int\\.test\\.ts$", "/node_modules/"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/{packages,services,infra,dev,test}/**/*.int.test.ts"],
      testPathIgnorePatterns: ["/node_modules/"],
      globalSetup: "<rootDir>/dev/harness/jest-global-setup.ts",
      testTimeout: 120000,
    },
  ],
};
