// Job search criteria (/app/settings/jobs): the sets the scraper reads and the morning digest
// matches offers against; list, create, edit, delete.

import { get, mutate } from "../api.js";
import { big, chip, clear, deleteButton, empty, errorBox, h, label, section, toast } from "../ui.js";
import { labelOf, values } from "../vocabulary.js";

const words = (text) => [...new Set(text.split(",").map((w) => w.trim()).filter(Boolean))];

export async function jobCriteriaView(root) {
  let criteria = [];
  let editing = null; // the set in the form, or null for a new one
  const listEl = h("ul", { class: "list", id: "criteria-list" });
  const field = (name, input, hint) => h("label", { class: "field" }, label(name), input, hint ? h("span", { class: "muted small" }, hint) : null);
  const f = {
    name: h("input", { class: "input", name: "name", id: "criteria-name", maxlength: 50, autocomplete: "off", placeholder: "Ex. Python à distance" }),
    titles: h("input", { class: "input", name: "titles", autocomplete: "off", placeholder: "python, backend" }),
    stack: h("input", { class: "input", name: "stack", autocomplete: "off", placeholder: "django, postgres" }),
    locations: h("input", { class: "input", name: "locations", autocomplete: "off", placeholder: "marseille, paris" }),
    salary: h("input", { class: "input", name: "salary_min", type: "number", min: 0, step: 1000, inputmode: "numeric", placeholder: "50000" }),
    active: h("input", { class: "check", type: "checkbox", name: "active", checked: true }),
  };
  const remotes = values("remote_types").map((type) => [type, h("input", { class: "check", type: "checkbox", name: "remote_types", value: type })]);
  const title = h("span", null, "Nouvelle recherche");
  const submit = h("button", { class: "btn primary", type: "submit" }, "Ajouter");
  const cancel = h("button", { class: "btn", type: "button", hidden: true, onclick: () => fill(null) }, "Annuler");
  const form = h(
    "form",
    { class: "form", id: "criteria-form" },
    field("Nom", f.name),
    h("div", { class: "row" },
      h("div", { class: "grow" }, field("Mots du titre", f.titles, "Séparés par des virgules : l'un d'eux dans le titre.")),
      h("div", { class: "grow" }, field("Stack", f.stack, "Au moins une techno en commun."))),
    h("div", { class: "row" },
      h("div", { class: "grow" }, field("Lieux", f.locations, "Pour le scraper, qui cherche là.")),
      field("Salaire minimum (€ / an)", f.salary)),
    h("fieldset", { class: "field plain" }, h("legend", { class: "label" }, "Télétravail"),
      h("div", { class: "row" }, remotes.map(([type, box]) => h("label", { class: "row check-row" }, box, h("span", null, labelOf("remote_types", type, { cap: true })))))),
    h("label", { class: "row check-row" }, f.active, h("span", null, "Active")),
    h("div", { class: "row" }, submit, cancel),
    h("p", { class: "muted", id: "criteria-explained" },
      "Le digest du matin garde une offre qui remplit tous les champs remplis d'au moins une recherche active : "
      + "un mot du titre, une techno de la stack, un type de télétravail coché, un salaire au moins égal au minimum "
      + "(une offre sans salaire est gardée) ; les champs vides laissent tout passer, et les lieux ne servent qu'au scraper."),
  );

  function fill(set) {
    editing = set;
    f.name.value = set?.name || "";
    f.titles.value = (set?.titles || []).join(", ");
    f.stack.value = (set?.stack || []).join(", ");
    f.locations.value = (set?.locations || []).join(", ");
    f.salary.value = set?.salary_min ?? "";
    f.active.checked = set ? set.active : true;
    for (const [type, box] of remotes) box.checked = Boolean(set?.remote_types.includes(type));
    title.textContent = set ? `Modifier « ${set.name || "sans nom"} »` : "Nouvelle recherche";
    submit.textContent = set ? "Enregistrer" : "Ajouter";
    cancel.hidden = !set;
    if (set) f.name.focus();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {
      name: f.name.value.trim() || null,
      titles: words(f.titles.value),
      stack: words(f.stack.value),
      locations: words(f.locations.value),
      remote_types: remotes.filter(([, box]) => box.checked).map(([type]) => type),
      salary_min: f.salary.value === "" ? null : Number(f.salary.value),
      active: f.active.checked,
    };
    try {
      if (editing) await mutate("PUT", `/jobs/criteria/${editing.id}`, body, { queue: false });
      else await mutate("POST", "/jobs/criteria", body, { queue: false });
      toast(editing ? "Recherche enregistrée." : "Recherche ajoutée.");
      fill(null);
      await load({ fresh: true });
    } catch (err) {
      toast(err.offline ? "Hors ligne : les critères demandent le réseau." : `Non enregistré : ${err.message}`, { error: true });
    }
  });

  async function remove(set) {
    try {
      await mutate("DELETE", `/jobs/criteria/${set.id}`, undefined, { queue: false });
      if (editing === set) fill(null);
      await load({ fresh: true });
    } catch (err) {
      toast(`Non supprimée : ${err.message}`, { error: true });
      draw();
    }
  }

  function summary(set) {
    const parts = [
      set.titles.length ? `titre : ${set.titles.join(", ")}` : null,
      set.stack.length ? `stack : ${set.stack.join(", ")}` : null,
      set.remote_types.length ? set.remote_types.map((t) => labelOf("remote_types", t)).join(" ou ") : null,
      set.salary_min ? `≥ ${Math.round(set.salary_min / 1000)} k€` : null,
      set.locations.length ? `lieux : ${set.locations.join(", ")}` : null,
    ].filter(Boolean);
    return parts.length ? parts.join(" · ") : "toutes les offres";
  }

  function draw() {
    clear(listEl, criteria.length ? criteria.map((set) => h(
      "li",
      { class: "item", dataset: { id: set.id } },
      h("div", { class: "main-col" },
        h("span", { class: "title" }, set.name || "Sans nom"),
        h("div", { class: "sub" }, chip(set.active ? "Active" : "En pause", set.active ? "accent" : "plain"), h("span", { class: "muted" }, summary(set)))),
      h("div", { class: "acts-col" },
        h("button", { class: "btn sm", type: "button", "aria-label": `Modifier « ${set.name || "sans nom"} »`, onclick: () => fill(set) }, "Modifier"),
        deleteButton(() => remove(set), `Supprimer « ${set.name || "sans nom"} »`)),
    )) : h("li", null, empty("Aucune recherche : le digest ne propose pas d'offre.")));
  }

  async function load(opts) {
    try {
      criteria = await get("/jobs/criteria", opts);
      draw();
    } catch (err) {
      clear(listEl, h("li", null, errorBox(err)));
    }
  }

  clear(
    root,
    h("header", { class: "hero" },
      h("div", { class: "hint-row" }, h("a", { class: "btn sm", href: "/app/settings" }, "← Réglages"), h("a", { class: "btn sm", href: "/app/jobs" }, "Offres →")),
      label("Réglages · offres", "[ 07 ]"), big(["Ce que ", "je cherche", "."])),
    h("div", { class: "grid cols-2" },
      section("07.7", "Recherches", null, listEl),
      section("07.8", title, null, h("div", { class: "body" }, form))),
  );
  await load({ fresh: true });
  return { refresh: load };
}
