// Cmd/Ctrl-K: jump to a page, or say what to do; free text goes to POST /ai/command and its
// proposal opens the confirm modal.

import { request } from "./api.js";
import { showProposal } from "./proposal.js";
import { clear, dialog, h, label, toast } from "./ui.js";
import { startVoice } from "./voice.js";

const ENTRIES = [
  { name: "Aujourd'hui", hint: "Tableau de bord", path: "/app/", keys: "accueil dashboard today jour" },
  { name: "Tâches", hint: "Inbox et filtres", path: "/app/todos", keys: "todos taches inbox" },
  { name: "Projets", hint: "Kanban et idées", path: "/app/projects", keys: "projects kanban idees" },
  { name: "Agenda", hint: "Vue semaine", path: "/app/agenda", keys: "calendar evenements semaine" },
  { name: "Santé", hint: "Médocs et 30 jours", path: "/app/health", keys: "health medocs sante" },
  { name: "Offres", hint: "Jobs", path: "/app/jobs", keys: "jobs emploi offres" },
  { name: "Réglages", hint: "Token, rappels", path: "/app/settings", keys: "settings reglages token" },
  { name: "Mémo vocal", hint: "Micro", run: () => startVoice(), keys: "voice voix micro dicter" },
];

const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

export function openPalette({ navigate }) {
  const d = dialog({ className: "palette" });
  d.el.id = "palette";
  d.el.setAttribute("aria-label", "Palette de commandes");
  d.body.remove();
  d.foot.remove();
  const input = h("input", {
    class: "palette-input",
    id: "palette-input",
    placeholder: "Aller à… ou « ajoute une tâche … demain »",
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": "Commande",
    role: "combobox",
    "aria-controls": "palette-list",
    "aria-expanded": "true",
  });
  const list = h("ul", { class: "palette-list", id: "palette-list", role: "listbox", "aria-label": "Suggestions" });
  const foot = h("div", { class: "dialog-foot" }, label("↑↓ choisir · ⏎ valider · Échap fermer · le texte libre part à l'agent"));
  d.el.append(input, list, foot);

  let items = [];
  let selected = 0;
  let busy = false;

  function choices(text) {
    const q = fold(text);
    const nav = q ? ENTRIES.filter((e) => fold(`${e.name} ${e.hint} ${e.keys}`).includes(q)) : ENTRIES;
    const ask = text.trim() ? [{ ai: true, text: text.trim() }] : [];
    // A long sentence is a command, not a page name: the agent comes first.
    return q.split(/\s+/).length > 2 ? [...ask, ...nav] : [...nav, ...ask];
  }

  function draw() {
    items = choices(input.value);
    selected = Math.min(selected, Math.max(items.length - 1, 0));
    clear(list, items.map((item, i) => {
      const li = item.ai
        ? h("li", { class: "ai-entry", role: "option" }, h("span", null, "Demander à l'agent : ", h("span", { class: "q" }, `« ${item.text} »`)), label("⏎ /ai/command"))
        : h("li", { role: "option" }, h("span", null, item.name), label(item.hint));
      li.id = `palette-option-${i}`;
      li.setAttribute("aria-selected", String(i === selected));
      li.addEventListener("mousemove", () => { if (selected !== i) { selected = i; draw(); } });
      li.addEventListener("click", () => choose(item));
      return li;
    }));
    // Screen readers announce the option the arrows point at, while the focus stays in the input.
    if (items.length) input.setAttribute("aria-activedescendant", `palette-option-${selected}`);
    else input.removeAttribute("aria-activedescendant");
  }

  async function choose(item) {
    if (!item || busy) return;
    if (!item.ai) {
      d.close();
      if (item.path) navigate(item.path);
      else item.run();
      return;
    }
    busy = true;
    input.disabled = true;
    clear(list, h("li", { class: "ai-entry", id: "palette-thinking" }, h("span", null, h("span", { class: "spinner" }), " L'agent réfléchit…"), label("POST /ai/command")));
    try {
      const proposal = await request("POST", "/ai/command", { body: { text: item.text } });
      await showProposal(proposal);
    } catch (err) {
      toast(err.offline ? "Hors ligne : l'agent a besoin du réseau." : `L'agent n'a pas pu répondre : ${err.message}`, { error: true });
      busy = false;
      input.disabled = false;
      input.focus();
      draw();
    }
  }

  input.addEventListener("input", () => { selected = 0; draw(); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") selected = (selected + 1) % Math.max(items.length, 1);
    else if (e.key === "ArrowUp") selected = (selected - 1 + items.length) % Math.max(items.length, 1);
    else if (e.key === "Enter") {
      e.preventDefault();
      choose(items[selected]);
      return;
    } else return;
    e.preventDefault();
    draw();
  });
  draw();
  input.focus();
}
