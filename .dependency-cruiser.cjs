// The layering of nnc (docs/architecture.md), checked by test/architecture.test.ts:
//   grammar/  ← compiler/  ← runtime/interpret/  ← driver/  ← bin/, test/, bench/
//   runtime/ (outside interpret/) imports npm packages and itself only: nnc compile copies it.
/** @type {import('dependency-cruiser').IConfiguration} */
const IO = '^(node:)?(fs|fs/promises|child_process|module|worker_threads|net|http|https|os|process|readline)$';
module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'No import cycle between files.', severity: 'error', from: {}, to: { circular: true } },
    { name: 'grammar-is-the-base', comment: 'grammar/ knows nothing of checking, running or the CLI.', severity: 'error',
      from: { path: '^grammar/' }, to: { path: '^(compiler|runtime|driver|test|bench|bin)/' } },
    { name: 'compiler-below-runtime', comment: 'compiler/ never imports the runtime or the driver.', severity: 'error',
      from: { path: '^compiler/' }, to: { path: '^(runtime|driver|test|bench|bin)/' } },
    { name: 'runtime-below-driver', comment: 'runtime/ never imports the driver (the CLI, the node host, the LSP wiring).', severity: 'error',
      from: { path: '^runtime/' }, to: { path: '^(driver|test|bench|bin)/' } },
    { name: 'copied-runtime-is-closed', comment: 'What nnc compile copies (runtime/ outside interpret/) reads no IR: only npm packages and itself.', severity: 'error',
      from: { path: '^runtime/', pathNot: '^runtime/interpret/' }, to: { path: '^(grammar|compiler)/|^runtime/interpret/' } },
    { name: 'driver-is-the-top', comment: 'Only bin/, test/ and bench/ import the driver.', severity: 'error',
      from: { path: '^(grammar|compiler|runtime)/' }, to: { path: '^driver/' } },
    { name: 'no-io-in-core', comment: 'grammar/ and compiler/ do no I/O: files, packages and std modules come through the CompilerHost.', severity: 'error',
      from: { path: '^(grammar|compiler)/' }, to: { dependencyTypes: ['core'], path: IO } },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^out/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
