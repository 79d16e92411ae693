import { defineConfig } from "vite";

// Built into dist/, which the gateway serves at its root (TRUST_GATEWAY_WEB_ROOT).
// `npm run dev` serves the app on Vite's port and passes the RPCs on to a running
// gateway (TRUST_GATEWAY, e.g. 127.0.0.1:42201), so the page stays same-origin.
const gateway = process.env.TRUST_GATEWAY;

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: gateway
    ? { proxy: { "^/trust\\.[a-z]+\\.v1\\.": { target: `http://${gateway}` } } }
    : undefined,
});
