// Any /app/... path the router does not know.

import { big, clear, h, label } from "../ui.js";

export async function notFoundView(root) {
  clear(
    root,
    h("header", { class: "hero" }, label("404", "[ ?? ]"), big(["Page ", "introuvable", "."]),
      h("div", { class: "hint-row" }, h("a", { class: "btn primary", href: "/app/" }, "← Aujourd'hui"))),
  );
  return null;
}
