/** Where the Stately inspector UI is loaded from (in the operator's browser, not by the daemon). */
export const STATELY_INSPECTOR_ORIGIN = 'https://stately.ai';

/** The page an operator opens: the Stately inspector in a frame, fed from our WebSocket. */
export const BRIDGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Actor inspector</title>
<link rel="stylesheet" href="/bridge.css">
<script type="module" src="/bridge.js"></script>
</head>
<body>
<header><strong>Actor inspector</strong> <span id="status">connecting…</span></header>
<iframe id="inspector" title="Stately inspector" src="${STATELY_INSPECTOR_ORIGIN}/inspect"></iframe>
</body>
</html>
`;

/** Styles of the bridge page. */
export const BRIDGE_CSS = `html,body{margin:0;height:100%;font:14px system-ui,sans-serif}
body{display:flex;flex-direction:column}
header{padding:6px 12px;background:#1e293b;color:#e2e8f0}
#status{margin-left:12px;color:#94a3b8}
iframe{flex:1;border:0;width:100%}
`;

/**
 * Relays WebSocket messages into the frame. Messages go only to the Stately origin, and only
 * after the inspector announced itself; until then they are buffered (bounded).
 */
export const BRIDGE_JS = `const origin = ${JSON.stringify(STATELY_INSPECTOR_ORIGIN)};
const frame = document.getElementById('inspector');
const status = document.getElementById('status');
const buffer = [];
let ready = false;
let count = 0;
const post = (d) => frame.contentWindow.postMessage(d, origin);
window.addEventListener('message', (e) => {
  if (e.origin !== origin || !e.data || e.data.type !== '@statelyai.connected') return;
  ready = true;
  for (const d of buffer.splice(0)) post(d);
});
const ws = new WebSocket('ws://' + location.host + '/');
ws.onopen = () => { status.textContent = 'connected to the daemon'; };
ws.onclose = () => { status.textContent = 'disconnected: reload when the daemon runs again'; };
ws.onmessage = (m) => {
  let d;
  try { d = JSON.parse(m.data); } catch { return; }
  count += 1;
  status.textContent = 'connected to the daemon, ' + count + ' inspection events';
  if (ready) post(d);
  else { buffer.push(d); if (buffer.length > 5000) buffer.shift(); }
};
`;
