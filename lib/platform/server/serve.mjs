// @ts-check
/**
 * Serves the production build: `next start`, plus the one thing it can't give the app, the
 * address of the peer that opened the connection. Next.js keeps a client-sent X-Forwarded-For
 * as it is (it only fills the header in when missing), so with `next start` any client could
 * claim any address and get past a per-address sign-in limit. Here every request carries the
 * socket's own address and protocol in headers a client can't set (they are overwritten), and
 * lib/platform/http/client-address.ts believes X-Forwarded-* only from a trusted proxy.
 *
 * Usage: node lib/platform/server/serve.mjs   (PORT, default 3000; HOSTNAME, default all interfaces)
 */
import http from "node:http";
import next from "next";

export const PEER_ADDRESS_HEADER = "x-runsheet-peer-address";
export const PEER_PROTOCOL_HEADER = "x-runsheet-peer-protocol";

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;

const app = next({ dev: false, dir: process.cwd(), port, hostname: hostname ?? "localhost" });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? "";
  request.headers[PEER_PROTOCOL_HEADER] = "http";
  void handle(request, response);
});
// Keep idle connections longer than clients and proxies do (Node's default is 5 s), so the server
// never closes a kept-alive socket just as a client sends its next request on it (ECONNRESET).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, hostname, () => {
  console.log(`Runsheet listening on http://${hostname ?? "0.0.0.0"}:${port}`);
});

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  });
}
