# One image for the four apps and the CLI (migrate, seed, projections:rebuild, audit:verify).
# Build:  docker build -t model-access .
# Run:    docker compose up   (see docker-compose.yml)
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY prisma ./prisma
COPY apps ./apps
COPY libs ./libs
COPY test ./test
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
USER node
# The app to run is the command, e.g. `node dist/apps/entitlements/src/main.js`.
CMD ["node", "dist/apps/cli/src/migrate.js"]
