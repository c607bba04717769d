# syntax=docker/dockerfile:1
# Airbyte source image: node 20 slim, production dependencies only, non-root user.

FROM node:20-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production \
    DATABRICKS_TELEMETRY_DISABLED=1
WORKDIR /airbyte/integration_code
COPY package.json package-lock.json ./
# --omit=dev leaves out DuckDB, the emulator and the test tooling; the connector needs only the
# Databricks driver and zod at run time.
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist/src ./dist/src
COPY src/protocol/airbyte-protocol.schema.json ./dist/src/protocol/airbyte-protocol.schema.json

RUN groupadd --system airbyte && useradd --system --gid airbyte --home-dir /airbyte --no-create-home airbyte \
    && chown -R airbyte:airbyte /airbyte
USER airbyte

ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/dist/src/cli/main.js"
ENTRYPOINT ["node", "/airbyte/integration_code/dist/src/cli/main.js"]

LABEL io.airbyte.name=airbyte/source-databricks
LABEL io.airbyte.version=0.3.1
