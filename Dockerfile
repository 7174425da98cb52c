# Tributary: a Kafka-protocol broker. Build: docker build -t tributary .
# Run:  docker run -p 9092:9092 -v tributary-data:/var/lib/tributary tributary
# Configure with KAFKA_* variables as for the Kafka image, e.g.
#   -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:9092 -e KAFKA_NUM_PARTITIONS=3

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Native addons (zstd-napi) build against this image's Node headers if no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
# The build ends by starting the broker once to make the CLI's V8 code cache (same Node as below).
COPY tools/bundle-cli.js tools/cli-code-cache.js tools/npm-start-options.js ./tools/
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:9092 \
    KAFKA_LOG_DIRS=/var/lib/tributary \
    TRIBUTARY_LOG_FORMAT=json
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/cli ./dist/cli
COPY --from=build /src/bin ./bin
RUN mkdir -p /var/lib/tributary && chown -R node:node /var/lib/tributary
USER node
VOLUME ["/var/lib/tributary"]
EXPOSE 9092
ENTRYPOINT ["node", "--max-semi-space-size=4", "--expose-gc", "bin/tributary.js"]
