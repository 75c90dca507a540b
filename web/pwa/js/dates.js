// Dates in the owner's time zone (TIMEZONE, from GET /settings), never the device's: a phone
// set to New York still shows Paris's 15:00 as 15:00, and "today" is Paris's, as in the digest.
// A day is a "YYYY-MM-DD" string (what <input type=date> and the API's `day` fields hold); an
// instant is a Date or an ISO string with its offset.

const LOCALE = "fr-FR";
let zone = Intl.DateTimeFormat().resolvedOptions().timeZone; // until the owner's is known
let F = formatters();

function formatters() {
  const fmt = (opts) => new Intl.DateTimeFormat(LOCALE, { timeZone: zone, ...opts });
  return {
    time: fmt({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    long: fmt({ weekday: "long", day: "numeric", month: "long" }),
    short: fmt({ weekday: "short", day: "numeric", month: "short" }),
    dayMonth: fmt({ day: "numeric", month: "short" }),
    // Numbers only, to read a wall clock back (h23: midnight is 00, never 24).
    parts: new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }),
  };
}

/** Use `tz` (an IANA name) from now on; false, and nothing changes, if the browser lacks it. */
export function setZone(tz) {
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: tz });
  } catch {
    return false;
  }
  zone = tz;
  F = formatters();
  return true;
}

export const ownerZone = () => zone;

// ---------------------------------------------------------------- instants, shown

export const time = (d) => F.time.format(new Date(d));
export const longDay = (d) => F.long.format(new Date(d));
export const shortDay = (d) => F.short.format(new Date(d));
export const dayMonth = (d) => F.dayMonth.format(new Date(d));

/** The owner's wall clock at instant `d`: { y, m, d, h, mi, s }. */
function wall(d) {
  const p = Object.fromEntries(F.parts.formatToParts(new Date(d)).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

const pad = (n) => String(n).padStart(2, "0");

/** The owner's day at instant `d` (now by default). */
export function dayOf(d = new Date()) {
  const w = wall(d);
  return `${w.y}-${pad(w.m)}-${pad(w.d)}`;
}

export const today = () => dayOf(new Date());

/** "HH:MM" of instant `d` on the owner's clock. */
export function hhmm(d) {
  const w = wall(d);
  return `${pad(w.h)}:${pad(w.mi)}`;
}

// ---------------------------------------------------------------- days

const utcOf = (day) => {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
};
const dayFromUtc = (ms) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day, n) => dayFromUtc(utcOf(day) + n * 86400000);
/** Days from `a` to `b` (negative when `b` is before). */
export const daysBetween = (a, b) => Math.round((utcOf(b) - utcOf(a)) / 86400000);
/** 0 for Monday … 6 for Sunday. */
export const weekday = (day) => (new Date(utcOf(day)).getUTCDay() + 6) % 7;
export const weekStart = (day = today()) => addDays(day, -weekday(day));
export const dayNumber = (day) => Number(day.slice(8, 10));

/**
 * The instant when the owner's clock reads `hm` on `day` (a Date). In a DST gap, the wall time
 * an hour later; in the repeated hour, the first one.
 */
export function instantAt(day, hm = "00:00") {
  const [h, mi] = hm.split(":").map(Number);
  const asUtc = utcOf(day) + (h * 60 + mi) * 60000;
  const offset = (ms) => {
    const w = wall(ms);
    return Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
  };
  // The offsets in force half a day before and after: one of them is the one at `hm`.
  const before = asUtc - offset(asUtc - 43200000);
  const after = asUtc - offset(asUtc + 43200000);
  const reads = (ms) => dayOf(ms) === day && hhmm(ms) === `${pad(h)}:${pad(mi)}`;
  const fits = [before, after].filter(reads);
  return new Date(fits.length ? Math.min(...fits) : before);
}

/** The instant the API wants (UTC, with its `Z`) for `hm` on `day`, owner's clock. */
export const localInstant = (day, hm = "00:00") => instantAt(day, hm).toISOString();

/** A day written for people: its noon, so that no zone shift can move it to a neighbour. */
export const noon = (day) => instantAt(day, "12:00");

/** "aujourd'hui", "demain", "hier", or a short date; `late` when past. */
export function dueText(due) {
  const days = daysBetween(today(), dayOf(due));
  const names = { 0: "aujourd'hui", 1: "demain", [-1]: "hier" };
  const day = names[days] ?? shortDay(due);
  const at = hhmm(due);
  return { text: at !== "00:00" ? `${day} · ${time(due)}` : day, late: new Date(due) < new Date() };
}
