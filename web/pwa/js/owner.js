// The owner as GET /settings describes them: the time zone every date is shown in, the name
// for the greeting (none when OWNER_NAME is unset), and what the server has configured. Kept on
// this device, so that an offline start still shows the owner's times.

import { get } from "./api.js";
import { setZone } from "./dates.js";

const KEY = "ordinarthur-os.owner";
let current = read();
if (current) setZone(current.timezone);

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY));
  } catch {
    return null;
  }
}

/** { timezone, name, google: { configured, missing } }, or null before the first answer. */
export const owner = () => current;

/**
 * Ask the server. With a copy kept from an earlier start, that copy serves at once and an
 * "owner-changed" event says when the answer moved the time zone; on a first start, wait for
 * it (offline: the device's zone meanwhile).
 */
export async function loadOwner() {
  const asked = get("/settings", { fresh: true }).then((s) => {
    const next = { timezone: s.timezone, name: s.owner_name, google: s.google };
    const moved = current?.timezone !== next.timezone;
    current = next;
    localStorage.setItem(KEY, JSON.stringify(next));
    setZone(next.timezone);
    return moved;
  });
  if (current) {
    asked.then((moved) => moved && window.dispatchEvent(new CustomEvent("owner-changed"))).catch(() => {});
    return;
  }
  await asked.catch(() => {});
}

export function forgetOwner() {
  current = null;
  localStorage.removeItem(KEY);
}
