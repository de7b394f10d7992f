// Read-only documents for the post-images the server reconstructs from a patch series: the related
// locations of a patch finding point into them (`mmreview-post:/mm/khugepaged.c?KEY`).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { POST_IMAGE_URI_SCHEME, postImageRequest } from '../../server/src/lsp-ext';

export function activate(ctx: vscode.ExtensionContext, client: LanguageClient): void {
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const text = await client.sendRequest(postImageRequest, { key: uri.query });
      return text ?? `// mm-review: this post-image is no longer available; re-open the patch to rebuild it (${uri.path})\n`;
    },
  };
  ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(POST_IMAGE_URI_SCHEME, provider));
}
