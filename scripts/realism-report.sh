#!/usr/bin/env bash
# Reproduces the realism report in docs/REALISM.md from a real run: three labelled deckies on the
# local Docker engine, `decnet-orchestrator orchestrate` and `decnet-orchestrator emailgen run` (personas write through a
# loopback server speaking Ollama's API, with varied bodies), then
# `decnet-orchestrator realism check --inspect-deckies`. The run is test/e2e/realism-daemon.e2e.test.ts, so the
# report and the e2e assertion come from one code path. Usage: scripts/realism-report.sh [--no-docs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/build-decky-image.sh
# a private build, so a run never swaps dist/ under someone else's tests
out=node_modules/.cache/decnet-realism
rm -rf "$out"
npx tsc -p tsconfig.build.json --outDir "$out"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
DECNET_REQUIRE_DOCKER=1 DECNET_CLI="$out/cli.js" DECNET_REALISM_REPORT="$report" \
  npx vitest run test/e2e/realism-daemon.e2e.test.ts
cat "$report"
if [ "${1:-}" != "--no-docs" ]; then
  # the report goes between the markers of docs/REALISM.md, everything else stays as written
  node -e '
    const fs = require("fs");
    const [doc, rep] = process.argv.slice(1);
    const text = fs.readFileSync(doc, "utf8");
    const start = "<!-- realism-report:start -->", end = "<!-- realism-report:end -->";
    const a = text.indexOf(start), b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`markers missing in ${doc}`);
    const block = `${start}\n\`\`\`text\n${fs.readFileSync(rep, "utf8").trimEnd()}\n\`\`\`\n`;
    fs.writeFileSync(doc, text.slice(0, a) + block + text.slice(b));
  ' docs/REALISM.md "$report"
  echo "docs/REALISM.md updated"
fi
