// DOM helpers, formatting (French), toasts and dialogs. Nothing here uses innerHTML: every
// text the API returns lands in a text node.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Append children, skipping null/undefined/false (Node.append would write "null"). */
export function add(el, ...children) {
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Put `next` where `old` is in `list`, if it still is (a refresh may have rebuilt the list). */
export function swap(list, old, next) {
  const i = list.indexOf(old);
  if (i >= 0) list[i] = next;
}

/** Take `item` out of `list` if it is there; its former index, or -1. */
export function drop(list, item) {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
  return i;
}

// ---------------------------------------------------------------- editorial primitives

export const label = (text, pre) => h("p", { class: "label" }, pre ? h("span", { class: "pre" }, pre) : null, text);

/** "Le titre <em>en orange</em>": `parts` alternates plain text and italic accent. */
export function big(parts, cls = "big") {
  const list = Array.isArray(parts) ? parts : [parts];
  return h("h1", { class: cls }, list.map((part, i) => (i % 2 ? h("em", null, part) : part)));
}

export function sectionHead(num, title, ...extra) {
  return h(
    "div",
    { class: "section-head" },
    h("span", { class: "n" }, num),
    h("span", { class: "t" }, title),
    extra.length ? h("span", { class: "x" }, extra) : null,
  );
}

export function section(num, title, extra, ...body) {
  return h("section", { class: "section" }, sectionHead(num, title, ...(extra || [])), body);
}

const SVG = "http://www.w3.org/2000/svg";

/** The microphone icon (an emoji would need a font the device may not have). */
export function micIcon(size = 18) {
  const svg = document.createElementNS(SVG, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: size, height: size, fill: "none", stroke: "currentColor", "stroke-width": "1.7", "aria-hidden": "true" })) svg.setAttribute(k, v);
  const rect = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: 9, y: 3, width: 6, height: 11, rx: 3 })) rect.setAttribute(k, v);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7");
  svg.append(rect, path);
  return svg;
}

/** `h` for SVG (a chart): attributes are set as they are, children appended alike. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export const chip = (text, cls = "") => h("span", { class: `chip ${cls}` }, text);
export const empty = (text) => h("p", { class: "empty" }, text);
export const errorBox = (err) => h("p", { class: "error-box" }, err?.message || String(err));

/** A delete button that asks once: the first click arms it, the second acts. */
export function deleteButton(onConfirm, title = "Supprimer") {
  let timer = null;
  const btn = h("button", { class: "x-btn", type: "button", title, "aria-label": title }, "×");
  btn.addEventListener("click", () => {
    if (btn.classList.contains("armed")) {
      clearTimeout(timer);
      btn.disabled = true;
      onConfirm();
      return;
    }
    btn.classList.add("armed");
    btn.textContent = "Sûr ?";
    timer = setTimeout(() => {
      btn.classList.remove("armed");
      btn.textContent = "×";
    }, 3000);
  });
  return btn;
}

// ---------------------------------------------------------------- toasts

export function toast(message, { error = false, action = null, ms = 4500 } = {}) {
  const box = document.getElementById("toasts");
  const el = h("div", { class: `toast${error ? " err" : ""}` }, h("span", null, message));
  if (action) {
    el.append(h("button", { type: "button", onclick: () => { el.remove(); action.run(); } }, action.label));
  }
  box.append(el);
  setTimeout(() => el.remove(), action ? ms * 2 : ms);
  return el;
}

// ---------------------------------------------------------------- dialogs

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** What Tab can reach inside `root`, in order (visible ones only). */
function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * A modal dialog; returns { el, body, foot, close }. Esc and a click outside close it. While it
 * is open the page behind is inert and Tab cycles inside it; on close the focus goes back to
 * what had it before (before the first of a chain of dialogs: the palette's proposal, say).
 */
export function dialog({ title, onClose, className = "" } = {}) {
  const layer = document.getElementById("layer");
  const app = document.getElementById("app");
  const body = h("div", { class: "dialog-body" });
  const foot = h("div", { class: "dialog-foot" });
  const closeBtn = h("button", { class: "x-btn", type: "button", "aria-label": "Fermer" }, "×");
  const box = h(
    "div",
    { class: `dialog ${className}`, role: "dialog", "aria-modal": "true", "aria-label": title || "Dialogue", tabindex: "-1" },
    title ? h("div", { class: "dialog-head" }, label(title), closeBtn) : null,
    body,
    foot,
  );
  const overlay = h("div", { class: "overlay" }, box);
  const previous = openDialog ? openDialog.previous : document.activeElement;
  if (openDialog) openDialog.close({ replaced: true });
  let closed = false;
  const close = ({ replaced = false } = {}) => {
    if (closed) return;
    closed = true;
    if (openDialog === handle) openDialog = null;
    overlay.remove();
    app.inert = false;
    document.removeEventListener("keydown", onKey, true);
    if (!replaced && previous && previous.isConnected && previous.focus) previous.focus();
    if (onClose) onClose({ replaced });
    if (!replaced) dialogChanged();
  };
  const onKey = (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "Tab") {
      trapTab(e, box);
    }
  };
  closeBtn.addEventListener("click", () => close());
  overlay.addEventListener("mousedown", (e) => { if (e.target === overlay) close(); });
  document.addEventListener("keydown", onKey, true);
  layer.append(overlay);
  app.inert = true;
  // The caller focuses what matters (the palette's input, Confirmer) right after; otherwise
  // the first control, so that the keyboard starts inside.
  queueMicrotask(() => {
    if (!closed && !box.contains(document.activeElement)) (focusables(box)[0] || box).focus();
  });
  const handle = { el: box, body, foot, close, overlay, previous };
  openDialog = handle;
  dialogChanged();
  return handle;
}

/** Keep Tab and Shift-Tab inside `box`: past the last control comes the first, and back. */
function trapTab(e, box) {
  const items = focusables(box);
  if (!items.length) {
    e.preventDefault();
    box.focus();
    return;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const inside = box.contains(document.activeElement);
  if (e.shiftKey && (!inside || document.activeElement === first || document.activeElement === box)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (!inside || document.activeElement === last)) {
    e.preventDefault();
    first.focus();
  }
}

let openDialog = null;
export const dialogOpen = () => openDialog !== null;
/** Close the open dialog, as Esc would (Telegram's back button). */
export const closeDialog = () => openDialog?.close();
// Telegram's back button closes a dialog before it leaves a page: it listens for this.
const dialogChanged = () => window.dispatchEvent(new CustomEvent("dialog-changed"));
