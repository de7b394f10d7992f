// Entry point of the mm-review language server (bundled to dist/server.js). The transport comes from the
// command line the client uses: --stdio (Neovim, tests) or --node-ipc (the VS Code client).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { MmReviewServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);

// Handlers catch their own errors; these catch what escapes (a timer, a rejected promise nobody awaited) so
// the editor keeps its server and the log says what happened.
process.on('uncaughtException', (e) => connection.console.error(`uncaught exception: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));

new MmReviewServer(connection).listen();
