import { ERROR_STATUS } from '../domain/errors.js';
import { SCOPES, SHORTHANDS } from '../domain/scopes.js';
import type { RestRoute } from '../rest/route.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained page (no external assets): the v1 routes, scopes and the error catalog. */
export function renderApiDocs(routes: readonly RestRoute[]): string {
  const rows = routes
    .map((r) => {
      const params = Object.entries(r.doc.query ?? {})
        .map(([k, v]) => `<code>${esc(k)}</code> ${esc(v)}`)
        .join('<br>');
      return `<tr><td><b>${r.method}</b></td><td><code>${esc(r.path)}</code></td><td>${esc(r.doc.summary)}${params ? `<div class="p">${params}</div>` : ''}</td><td>${r.doc.scope ? `<code>${esc(r.doc.scope)}</code>` : 'any key'}</td></tr>`;
    })
    .join('\n');
  const codes = Object.entries(ERROR_STATUS)
    .map(([c, s]) => `<tr><td><code>${c}</code></td><td>${s}</td></tr>`)
    .join('\n');
  const shorthands = Object.entries(SHORTHANDS)
    .map(([k, v]) => `<code>${k}</code> = ${v.map((x) => `<code>${x}</code>`).join(' ')}`)
    .join('<br>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Workspace API reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}code{background:#f4f4f4;padding:0 .2em}.p{color:#555;font-size:13px;margin-top:.3em}</style>
</head><body>
<h1>Workspace API</h1>
<p>Authenticate every request with <code>Authorization: Bearer wbk_live_…</code>. Responses carry <code>X-Request-ID</code> and the rate-limit headers
<code>X-RateLimit-Limit</code>, <code>X-RateLimit-Remaining</code>, <code>X-RateLimit-Reset</code>, <code>RateLimit-Policy</code>, <code>RateLimit</code>.
GraphQL, with the same rules, is at <a href="/graphql">/graphql</a> (GraphiQL in a browser). Machine-readable: <a href="/api-docs/openapi.json">OpenAPI 3.1</a>.</p>
<h2>REST endpoints</h2>
<table><tr><th>Method</th><th>Path</th><th>What</th><th>Scope</th></tr>
${rows}
</table>
<h2>Scopes</h2><p>${SCOPES.map((s) => `<code>${s}</code>`).join(' ')}</p><p>Shorthands, expanded when a key is created:<br>${shorthands}</p>
<h2>Errors</h2><p><code>{"error":{"code","message"}}</code> on REST; <code>errors[].extensions.code</code> on GraphQL.</p>
<table><tr><th>Code</th><th>Status</th></tr>
${codes}
</table>
</body></html>`;
}
