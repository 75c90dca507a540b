// "Éditer" in the confirm modal: a small form for one proposed action's arguments, generated
// from the action's JSON schema (GET /ai/action-schemas: the argument models the server
// validates the edits with again), so that the owner corrects what the agent understood
// before confirming. An argument the form cannot show (an unknown shape) is kept as it was.

import { get } from "./api.js";
import { dayOf, hhmm, localInstant } from "./dates.js";
import { h, label } from "./ui.js";
import { labelOf, values } from "./vocabulary.js";

// French names of the arguments; one not listed shows its schema title.
const NAMES = {
  title: "Titre",
  description: "Description",
  content: "Contenu",
  due_at: "Échéance",
  remind_at: "Rappel",
  priority: "Priorité",
  project_id: "Projet",
  tags: "Tags (séparés par des virgules)",
  status: "Colonne",
  starts_at: "Début",
  ends_at: "Fin",
  location: "Lieu",
  note: "Note",
  recurrence: "Répétition (RRULE)",
  reminder_minutes: "Rappel (minutes avant)",
};
// Which vocabulary (GET /meta) names an enum's values, by argument.
const VOCABULARY = { status: "step_statuses", priority: "priorities" };

let schemas = null;

/** The argument schemas of the actions, by name; read once. */
export function loadSchemas() {
  schemas ??= get("/ai/action-schemas").catch((err) => {
    schemas = null;
    throw err;
  });
  return schemas;
}

/** { type, format, enum, min, max, maxLength, items, nullable } of a property. */
function shape(prop) {
  const options = prop.anyOf || [prop];
  const main = options.find((o) => o.type !== "null") || {};
  return {
    type: main.type,
    format: main.format,
    choices: main.enum,
    min: main.minimum,
    max: main.maximum,
    maxLength: main.maxLength,
    items: main.items,
    nullable: options.some((o) => o.type === "null"),
  };
}

const localValue = (iso) => (iso ? `${dayOf(iso)}T${hhmm(iso)}` : "");

/** One input for `name`, or null when the form cannot show this argument. */
function input(name, s, value, { id, required, projects }) {
  const common = { class: "input", id, name, required };
  if (name === "project_id" && s.type === "string") {
    return h("select", { ...common, class: "select" },
      s.nullable || !required ? h("option", { value: "" }, "Aucun") : null,
      [...projects].map(([pid, pname]) => h("option", { value: pid, selected: pid === value }, pname)));
  }
  const choices = s.choices || (s.type === "integer" && VOCABULARY[name] ? values(VOCABULARY[name]) : null);
  if (choices) {
    return h("select", { ...common, class: "select" },
      required ? null : h("option", { value: "" }, "—"),
      choices.map((c) => h("option", { value: String(c), selected: c === value }, VOCABULARY[name] ? labelOf(VOCABULARY[name], c) : String(c))));
  }
  if (s.type === "string" && s.format === "date-time") return h("input", { ...common, type: "datetime-local", value: localValue(value) });
  if (s.type === "string" && s.maxLength > 500) return h("textarea", { ...common, class: "input", rows: 3, maxlength: s.maxLength }, value ?? "");
  if (s.type === "string") return h("input", { ...common, type: "text", maxlength: s.maxLength, value: value ?? "", autocomplete: "off" });
  if (s.type === "integer") return h("input", { ...common, type: "number", step: 1, min: s.min, max: s.max, value: value ?? "" });
  if (s.type === "boolean") return h("input", { ...common, class: "check", type: "checkbox", checked: Boolean(value) });
  if (s.type === "array" && s.items?.type === "string") return h("input", { ...common, type: "text", value: (value || []).join(", "), autocomplete: "off" });
  return null;
}

/** The value an input holds, as the API wants it; undefined for "left empty". */
function read(el, s) {
  if (s.type === "boolean") return el.checked;
  const raw = el.value.trim();
  if (raw === "") return undefined;
  if (s.type === "integer") return Number(raw);
  if (s.type === "array") return [...new Set(raw.split(",").map((w) => w.trim()).filter(Boolean))];
  if (s.format === "date-time") {
    const [day, hm] = raw.split("T");
    return localInstant(day, hm.slice(0, 5));
  }
  return raw;
}

/**
 * The form for `action` ({ id, fn, args }): { el, args() } where `args()` is the arguments as
 * edited (what the form cannot show kept as proposed; emptied optional ones left out).
 * `projects`: Map of project id → name, for the project picker.
 */
export function actionForm(action, schema, { projects = new Map() } = {}) {
  const props = schema?.properties || {};
  const required = new Set(schema?.required || []);
  const fields = [];
  const el = h("div", { class: "edit-form form", dataset: { action: action.id } });
  for (const [name, prop] of Object.entries(props)) {
    const s = shape(prop);
    const id = `edit-${action.id}-${name}`;
    const control = input(name, s, action.args[name], { id, required: required.has(name), projects });
    if (!control) continue;
    fields.push([name, s, control]);
    el.append(h("label", { class: "field", for: id }, label(NAMES[name] || prop.title || name), control));
  }
  return {
    el,
    args() {
      const args = { ...action.args };
      for (const [name, s, control] of fields) {
        const value = read(control, s);
        if (value === undefined && !required.has(name)) delete args[name];
        else args[name] = value ?? "";
      }
      return args;
    },
  };
}
