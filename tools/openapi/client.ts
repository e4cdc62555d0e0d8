// A client of the ledger's API typed by docs/openapi.yaml: tools/lint-openapi.sh generates
// generated/ledger-api.ts with openapi-typescript, and this file must compile against it with
// `tsc --noEmit --strict` (tsconfig.json). It calls a few operations the way a client would, so
// a document whose types a generator cannot use (an untyped body, an Action that is not a
// discriminated union, a missing operationId or problem schema) fails to compile here.
import createClient from "openapi-fetch";
import type { components, operations, paths } from "./generated/ledger-api";

type Schemas = components["schemas"];
export type Action = Schemas["Action"];
export type Problem = Schemas["Problem"];

export function ledger(baseUrl: string, token: string) {
  // JSON and problem+json only: the operations that also offer Cap'n Proto (x-capnp) would else
  // type each answer as JSON or binary.
  return createClient<paths, `application/${string}json`>({
    baseUrl,
    headers: { Authorization: `Bearer ${token}` },
  });
}

// The discriminator on `type` narrows an Action to its own fields.
export function describe(action: Action): string {
  switch (action.type) {
    case "receive":
      return `${action.channel}: ${action.subject} (${action.complainant.name})`;
    case "close":
      return `close (${action.basis})`;
    case "record_fine":
      return `fine ${action.rule}: ${action.amount ?? "the rule's amount"}`;
    default:
      return action.type;
  }
}

// Every error is a Problem; a field error names the field and the rule.
export function explain(p: Problem): string {
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.rule}`).join(", ");
  return `${p.status} ${p.title}: ${p.detail}${fields ? ` (${fields})` : ""}`;
}

export async function overdueOfDepartment(
  client: ReturnType<typeof ledger>,
  department: string,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const { data, error } = await client.GET("/v1/complaints", {
      params: { query: { department, overdue: true, limit: 1000, ...(cursor ? { cursor } : {}) } },
    });
    if (error) throw new Error(explain(error));
    for (const c of data.complaints) ids.push(`${c.id} due ${c.next_due ?? "-"}`);
    if (data.next_cursor === null) return ids;
    cursor = data.next_cursor;
  }
}

export async function flagAndClose(client: ReturnType<typeof ledger>, id: string) {
  const flag: Action = { type: "add_flag", flag: "media", idempotency_key: `${id}-media` };
  const flagged = await client.POST("/v1/complaints/{id}/actions", {
    params: { path: { id } },
    body: flag,
  });
  if (flagged.error) return explain(flagged.error);
  const state = await client.GET("/v1/complaints/{id}", {
    params: { path: { id }, query: { as_of: "2026-06-30T18:00:00+08:00" } },
  });
  if (state.error) return explain(state.error);
  const closure = state.data.clocks.find((c) => c.clock === "closure");
  const result = await client.POST("/v1/complaints/{id}/actions", {
    params: { path: { id } },
    body: { type: "close", basis: "customer_confirmed", expected_version: flagged.data.version },
  });
  if (result.error) return explain(result.error);
  return `${result.data.id} v${result.data.version}, closure ${closure?.state ?? "none"}`;
}

export async function receive(client: ReturnType<typeof ledger>) {
  const body: operations["receiveComplaint"]["requestBody"]["content"]["application/json"] = {
    type: "receive",
    channel: "hotline",
    complainant: { name: "Li Lei", phone: "13800000000" },
    project: "p-lakeside",
    subject: "Leaking roof",
    description: "Water drips in the hall",
    receiving_department: "customer_service",
  };
  const { data, error, response } = await client.POST("/v1/complaints", { body });
  if (error) return explain(error);
  return `${response.status} ${data.id}${data.existing ? " (already on record)" : ""}`;
}

export async function fines(client: ReturnType<typeof ledger>, month: string) {
  const { data, error } = await client.GET("/v1/fines", { params: { query: { month } } });
  if (error) return explain(error);
  const byDept = data.by_department.map((t) => `${t.name} ${t.total}`).join("; ");
  return `${data.month}: ${data.total} (${data.line_count} lines) ${byDept}`;
}

export async function me(client: ReturnType<typeof ledger>) {
  const { data, error } = await client.GET("/v1/me");
  if (error) return explain(error);
  return `${data.actor} (${data.role}${data.department ? `, ${data.department}` : ""})`;
}
