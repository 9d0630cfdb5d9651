# The relay, serving the built app. Build: docker build -t scholenband-relay .
# Run:   docker run -p 8080:8080 -v scholenband-data:/data scholenband-relay
# (Put a TLS proxy in front; see docs/deploy.md.)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# two malloc arenas: memory the relay's helper threads free is not kept per thread (sync-server/relayConfig.ts)
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 DATA_DIR=/data STATIC_DIR=/app/dist MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY sync-server ./sync-server
COPY src/sync/wire.ts ./src/sync/wire.ts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tsx runs the TypeScript relay as it is (it is a runtime dependency)
CMD ["node", "--import", "tsx", "sync-server/server.ts"]
