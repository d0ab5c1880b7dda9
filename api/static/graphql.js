// A minimal GraphQL client for the public endpoint: POST JSON, map errors to three kinds.

const ENDPOINT = new URL("graphql", document.baseURI).href;
const KEY_STORAGE = "qawl-api-key";

export class ApiError extends Error {
  // kind: "unavailable" (search down or network failure), "auth", or "error" (anything else)
  constructor(kind, message, code = null) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.code = code;
  }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled: the key is simply not kept */
  }
}

function apiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export async function gql(query, variables = {}, signal = undefined) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify({ query, variables }), signal, credentials: "same-origin" });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("unavailable", "network failure");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const errors = (body && Array.isArray(body.errors) && body.errors) || (body && body.error ? [body.error] : []);
  if (errors.length) {
    const first = errors[0];
    const code = (first.extensions && first.extensions.code) || first.code || null;
    const message = typeof first.message === "string" ? first.message : "error";
    if (code === "SEARCH_UNAVAILABLE") throw new ApiError("unavailable", message, code);
    if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") throw new ApiError("auth", message, code);
    throw new ApiError(response.status >= 502 ? "unavailable" : "error", message, code);
  }
  if (!response.ok || !body || !body.data) {
    const unavailable = response.status === 0 || response.status >= 502;
    throw new ApiError(unavailable ? "unavailable" : "error", `HTTP ${response.status}`);
  }
  return body.data;
}
