// First visit: the owner pastes the API bearer; `POST /auth/verify` checks it before it is
// kept in this device's localStorage. No token is ever shipped with the app.

import { ApiError, request, token } from "./api.js";
import { owner } from "./owner.js";
import { big, clear, h, label } from "./ui.js";

export function onboarding(root, done) {
  const input = h("input", {
    class: "input mono",
    id: "token-input",
    type: "password",
    name: "token",
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    placeholder: "API_BEARER_TOKEN",
    required: true,
  });
  const msg = h("p", { class: "msg", role: "alert" });
  const submit = h("button", { class: "btn primary", type: "submit" }, "Vérifier et entrer →");
  const form = h(
    "form",
    { class: "form", id: "onboarding-form" },
    h("label", { class: "field" }, label("Token d'accès", "[ 01 ]"), input),
    h("div", { class: "row" }, submit),
    msg,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    submit.disabled = true;
    msg.className = "msg";
    msg.textContent = "Vérification…";
    try {
      await request("POST", "/auth/verify", { bearer: value });
      token.set(value);
      done();
    } catch (err) {
      msg.className = "msg err";
      msg.textContent = err instanceof ApiError && err.status === 401
        ? "Token refusé. Vérifie-le et réessaie."
        : `Impossible de vérifier : ${err.message}`;
      submit.disabled = false;
      input.select();
    }
  });
  clear(
    root,
    h(
      "div",
      { class: "onboard" },
      h("div", { class: "section-head" }, h("span", { class: "n" }, "[ 00 ]"), h("span", { class: "t" }, "ORDINARTHUR·OS — ACCÈS"), h("span", { class: "x" }, h("span", { class: "dot" }))),
      h(
        "div",
        { class: "panel" },
        h("div", { class: "grid", style: { gap: "18px", alignContent: "start" } },
          label("Bienvenue", "[ — ]"),
          // The owner's name only if this device has already been told it (OWNER_NAME).
          big([`Bonjour${owner()?.name ? ` ${owner().name}` : ""}. Colle ton `, "token", " pour entrer."]),
        ),
        h("div", { class: "grid", style: { gap: "18px", alignContent: "start" } },
          form,
          h("p", { class: "label" },
            "Le token est la valeur d'API_BEARER_TOKEN. Sans elle, il est généré au premier démarrage ",
            "et écrit une fois dans les logs du serveur. Il reste sur cet appareil (localStorage)."),
        ),
      ),
      h("div", { class: "footer mono" }, h("span", null, "CHAT-FIRST PERSONAL OS"), h("span", null, "FR")),
    ),
  );
  input.focus();
}
