import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ERROR_STATUS } from '../domain/errors.js';
import type { RestRoute } from '../rest/route.js';
import { ERROR_DOCS } from './errors.js';
import { docOperations } from './operations.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Where the renderer is served from: our own origin, so the page works offline. */
export const SCALAR_ASSET = '/api-docs/assets/scalar-api-reference.js';

/**
 * Scalar's standalone bundle (one file, its styles included). The package's exports name only
 * its ESM entry, which sits beside `browser/`. Read once, on the first request for it.
 */
let scalarBundle: Buffer | undefined;
function scalarScript(): Buffer {
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return (scalarBundle ??= readFileSync(join(dirname(entry), 'browser', 'standalone.js')));
}

/** Answers GET /api-docs/assets/…; false when the path names no asset. */
export function serveDocsAsset(res: ServerResponse, path: string): boolean {
  if (path !== SCALAR_ASSET) return false;
  const body = scalarScript();
  res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=86400' });
  res.end(body);
  return true;
}

/**
 * Scalar's settings: nothing it would fetch from elsewhere. Its default fonts come from a CDN;
 * its telemetry and AI agent call Scalar's servers; the API client's proxy is Scalar's unless
 * unset. Code samples open on cURL, beside our own cURL and fetch samples.
 */
const SCALAR_CONFIG = {
  url: '/api-docs/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  hideModels: false,
  defaultOpenAllTags: true,
  showDeveloperTools: 'never',
  documentDownloadType: 'json',
  defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
  hiddenClients: {
    c: true,
    clojure: true,
    csharp: true,
    dart: true,
    fsharp: true,
    go: true,
    http: true,
    java: true,
    kotlin: true,
    objc: true,
    ocaml: true,
    php: true,
    powershell: true,
    r: true,
    ruby: true,
    rust: true,
    swift: true,
  },
};

/**
 * The reference: Scalar renders the OpenAPI document; without JavaScript the page still lists
 * every operation, its scope and the error catalog.
 */
export function renderApiDocs(routes: readonly RestRoute[]): string {
  const rows = docOperations(routes)
    .map((op) => {
      const params = Object.entries(op.query)
        .map(([k, v]) => `<code>${esc(k)}</code> ${esc(v)}`)
        .join('<br>');
      const scope = op.scope ? `<code>${esc(op.scope)}</code>` : 'any key';
      return `<tr><td><b>${op.method}</b></td><td><code>${esc(op.path)}</code></td><td>${esc(op.summary)}${params ? `<div>${params}</div>` : ''}</td><td>${scope}</td><td><code>${esc(op.graphql.coordinate)}</code></td></tr>`;
    })
    .join('\n');
  const codes = (Object.keys(ERROR_STATUS) as (keyof typeof ERROR_STATUS)[])
    .map((c) => `<tr><td><code>${c}</code></td><td>${ERROR_STATUS[c]}</td><td>${esc(ERROR_DOCS[c].when)}</td><td>${esc(ERROR_DOCS[c].message)}</td></tr>`)
    .join('\n');
  // `<` escaped so the JSON cannot end the script element.
  const config = JSON.stringify(SCALAR_CONFIG).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Workspace API reference</title></head>
<body>
<div id="app"></div>
<noscript>
<h1>Workspace API</h1>
<p>Authenticate every request with <code>Authorization: Bearer wbk_live_…</code>. Machine-readable: <a href="/api-docs/openapi.json">OpenAPI 3.1</a>. GraphQL: <a href="/graphql">/graphql</a>.</p>
<table><tr><th>Method</th><th>Path</th><th>What</th><th>Scope</th><th>GraphQL</th></tr>
${rows}
</table>
<h2>Errors</h2>
<table><tr><th>Code</th><th>Status</th><th>When</th><th>Message</th></tr>
${codes}
</table>
</noscript>
<script src="${SCALAR_ASSET}"></script>
<script>Scalar.createApiReference('#app', ${config})</script>
</body></html>`;
}
