// Server-sent events over fetch: EventSource cannot send the Authorization header, and a token in
// the URL would end up in logs. Tracks each event's id and resumes with Last-Event-ID after a
// dropped connection (1 s, doubling up to 30 s).
import { authHeaders } from "./api.js";

// Reads `path` until stop() is called. onEvent({id, event, data}); onState("open" | "retrying" |
// "stopped", detail). `lastId` resumes after that id.
export function stream(path, { onEvent, onState, lastId } = {}) {
  let stopped = false;
  let controller = null;
  let backoff = 1000;
  let last = lastId || "";

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = authHeaders({ Accept: "text/event-stream" });
        if (last) headers["Last-Event-ID"] = last;
        const res = await fetch(path, { headers, signal: controller.signal, cache: "no-store" });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        onState && onState("open");
        backoff = 1000;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buf = "";
        let ev = { data: [] };
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let nl;
          while ((nl = buf.indexOf("\n")) >= 0) {
            let line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.endsWith("\r")) line = line.slice(0, -1);
            if (line === "") {
              if (ev.data.length) {
                if (ev.id !== undefined) last = ev.id;
                onEvent && onEvent({ id: ev.id, event: ev.event || "message", data: ev.data.join("\n") });
              }
              ev = { data: [] };
            } else if (!line.startsWith(":")) {
              const i = line.indexOf(":");
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
              if (field === "data") ev.data.push(val);
              else if (field === "id") ev.id = val;
              else if (field === "event") ev.event = val;
            }
          }
        }
        if (!stopped) throw new Error("closed");
      } catch (e) {
        if (stopped) break;
        onState && onState("retrying", String(e.message || e));
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(30000, backoff * 2);
      }
    }
    onState && onState("stopped");
  }
  run();
  return {
    stop() { stopped = true; if (controller) controller.abort(); },
    // Cuts the connection as a network failure would (the reader resumes from the last id).
    drop() { if (controller) controller.abort(); },
    lastId: () => last,
  };
}
