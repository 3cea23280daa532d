# One image for every Huishang service; the build argument SERVICE picks which one it runs:
#   docker build --build-arg SERVICE=energy -t huishang-energy .
# SERVICE is gateway or a department of subgraphs/departments.json.
# Beside them, SERVICE=router-coprocessor builds the Apollo Router sidecar (README, "Other
# gateways"); Hive Gateway with the Huishang plugin runs from the gateway's image:
#   node node_modules/@graphql-hive/gateway/dist/bin.js supergraph schema/supergraph.graphql --config-path plugins/hive-access/gateway.config.cjs
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, from the manifests alone, so a source change does not reinstall them.
COPY package.json package-lock.json ./
COPY schema/package.json schema/
# <<< npm run compose: manifests (each department of subgraphs/departments.json)
COPY subgraphs/industry/package.json subgraphs/industry/
COPY subgraphs/finance/package.json subgraphs/finance/
COPY subgraphs/energy/package.json subgraphs/energy/
COPY subgraphs/statistics/package.json subgraphs/statistics/
COPY subgraphs/hr/package.json subgraphs/hr/
# >>> npm run compose: manifests
COPY gateway/package.json gateway/
COPY plugins/hive-access/package.json plugins/hive-access/
COPY plugins/router-coprocessor/package.json plugins/router-coprocessor/
COPY test/package.json test/
COPY cli/package.json cli/
COPY briefing/package.json briefing/
RUN npm install --no-audit --no-fund

COPY . .
# npm run build: the root tsconfig.json and every department of the registry.
RUN node scripts/build.js

# Everything above is the same for the six services (one cached build); only this differs.
ARG SERVICE=gateway
# A department's entry is its registry folder's dist/src/index.js (scripts/service-entry.js).
RUN entry=$(node scripts/service-entry.js "$SERVICE") \
 && test -f "$entry" \
 && ln -s "/app/$entry" /app/service.js

# Without DATABASE_URL a service keeps SQLite files in /app/data: let the runtime user write there.
RUN mkdir -p /app/data /app/.huishang && chown node:node /app/data /app/.huishang
ENV HOST=0.0.0.0
USER node
CMD ["node", "/app/service.js"]
