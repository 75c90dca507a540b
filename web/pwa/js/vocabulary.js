// The vocabulary (statuses, priorities, kinds…) and its French labels, read from GET /meta:
// the PWA shows the bot's words and keeps no copy of its own. Labels are lower case; `cap`
// capitalises one that starts a chip or a heading.

import { get } from "./api.js";

let terms = {};
let loading = null;

/** Read the vocabulary once per page load (the service worker keeps it for offline use). */
export function loadVocabulary() {
  loading ||= get("/meta")
    .then((meta) => { terms = meta; })
    .catch(() => { loading = null; }); // offline on a first visit: values show as they are
  return loading;
}

/** The values of a vocabulary, in display order: `values("step_statuses")`. */
export const values = (kind) => (terms[kind] || []).map((t) => t.value);

/** The label of `value` in the vocabulary `kind`; the value itself when unknown. */
export function labelOf(kind, value, { cap = false } = {}) {
  const found = (terms[kind] || []).find((t) => t.value === value);
  const text = found ? found.label : String(value);
  return cap ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
