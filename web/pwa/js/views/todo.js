// One todo: everything it holds, editable. The fields are saved together (Enregistrer), the
// checklist's ticks at once; both queued offline like every write. ✨ Enrichir asks the model for
// a draft (nothing is written), shown for review and editing before it is applied.

import { ApiError, get, mutate, request } from "../api.js";
import { overlay } from "../queue.js";
import { dayOf, hhmm, localInstant } from "../dates.js";
import { big, chip, clear, deleteButton, dialog, empty, errorBox, h, label, section, toast } from "../ui.js";
import { labelOf, values } from "../vocabulary.js";
import { REPEATS } from "./todos.js";

const status = (s) => labelOf("todo_statuses", s, { cap: true });
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
const words = (text) => text.split(",").map((s) => s.trim().replace(/^#/, "")).filter(Boolean);
const changed = () => window.dispatchEvent(new CustomEvent("data-changed"));

/** A link only for http(s): a `javascript:` or `data:` ticket URL stays text. */
export function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

let fieldSeq = 0;
/** A labelled control: `<label for>` and the control, in a `.field`. */
function field(text, control, hint = null) {
  control.id ||= `f-${++fieldSeq}`;
  return h("div", { class: "field" }, h("label", { class: "label", for: control.id }, text), control, hint ? h("span", { class: "muted hint" }, hint) : null);
}

const input = (attrs) => h("input", { class: "input", autocomplete: "off", ...attrs });
const textarea = (attrs, text) => h("textarea", { class: "textarea", ...attrs }, text || "");

function select(attrs, options, current) {
  return h("select", { class: "select", ...attrs },
    options.map(([value, text]) => h("option", { value, selected: String(current ?? "") === value }, text)));
}

const energyOptions = () => [["", "—"], ...values("energies").map((e) => [e, labelOf("energies", e, { cap: true })])];

function contextList(id) {
  return h("datalist", { id }, values("contexts").map((c) => h("option", { value: c }, labelOf("contexts", c))));
}

// ---------------------------------------------------------------- the view

export async function todoView(root, [todoId]) {
  const path = `/todos/${encodeURIComponent(todoId)}`;
  let todo;
  try {
    [todo] = await overlay("/todos", [await get(path, { fresh: true })]);
    if (!todo) throw new ApiError(404, "not_found", "Tâche supprimée (en attente de synchro).");
  } catch (err) {
    clear(root, h("header", { class: "hero" }, label("Tâche", "[ 02 ]"), big(["Tâche ", "introuvable", "."])), errorBox(err),
      h("div", { class: "body" }, h("a", { class: "btn", href: "/app/todos" }, "← Tâches")));
    return null;
  }
  let projects = [];
  try {
    projects = await get("/projects");
  } catch {
    // the project select then offers the current one only
  }
  let dirty = false; // unsaved edits in the form: a background refresh must not wipe them

  const hero = h("header", { class: "hero" });
  const formBox = h("div", { class: "body" });
  const checklistEl = h("ul", { class: "list", id: "todo-checklist" });
  const addItem = input({ name: "item", id: "checklist-new", placeholder: "Nouvelle sous-étape…", "aria-label": "Nouvelle sous-étape", maxlength: 2000 });
  const addForm = h("form", { class: "inline-form", id: "checklist-form" }, addItem, h("button", { class: "btn primary", type: "submit" }, "Ajouter"));

  async function save(change, what) {
    const before = { ...todo };
    Object.assign(todo, change, { pending: true });
    try {
      const r = await mutate("PATCH", path, change);
      if (!r.queued) todo = { ...r.data };
      else toast("Hors ligne : enregistré, en attente de synchro.");
      changed();
      return true;
    } catch (err) {
      todo = before;
      toast(`${what} : ${err.message}`, { error: true });
      return false;
    }
  }

  // ---------------------------------------------------------------- header

  function drawHero() {
    clear(hero,
      h("div", { class: "hint-row" }, h("a", { class: "btn sm", href: "/app/todos" }, "← Tâches"), label("Tâche", "[ 02 ]"),
        chip(status(todo.status), todo.status === "done" ? "plain" : ""),
        todo.ai_enriched ? chip("✨ enrichie par l'IA", "accent") : null,
        todo.pending ? h("span", { class: "label" }, "En attente de synchro") : null),
      big([todo.title]));
  }

  // ---------------------------------------------------------------- the fields

  function drawForm() {
    dirty = false;
    const due = todo.due_at ? { day: dayOf(todo.due_at), at: hhmm(todo.due_at) } : { day: "", at: "" };
    const f = {
      title: input({ name: "title", id: "todo-edit-title", value: todo.title, required: true, maxlength: 2000 }),
      description: textarea({ name: "description", id: "todo-edit-description", rows: 5, maxlength: 100000 }, todo.description),
      status: select({ name: "status", id: "todo-edit-status" }, values("todo_statuses").map((s) => [s, status(s)]), todo.status),
      priority: select({ name: "priority", id: "todo-edit-priority" },
        [["", "—"], ...values("priorities").map((p) => [String(p), `P${p} · ${labelOf("priorities", p)}`])], todo.priority),
      day: input({ name: "due-day", id: "todo-edit-day", type: "date", value: due.day }),
      at: input({ name: "due-time", id: "todo-edit-time", type: "time", value: due.at === "00:00" ? "" : due.at }),
      // The owner's wall clock, whatever the device's zone.
      remind: input({ name: "remind", id: "todo-edit-remind", type: "datetime-local", value: todo.remind_at ? `${dayOf(todo.remind_at)}T${hhmm(todo.remind_at)}` : "" }),
      // A rule set elsewhere (the agent, the API) stays offered, in its words.
      repeat: select({ name: "repeat", id: "todo-edit-repeat" },
        [...REPEATS, ...(todo.recurrence && !REPEATS.some(([r]) => r === todo.recurrence) ? [[todo.recurrence, todo.recurrence_text || todo.recurrence]] : [])],
        todo.recurrence),
      project: select({ name: "project", id: "todo-edit-project" },
        [["", "—"], ...projects.map((p) => [p.id, p.name]), ...(todo.project_id && !projects.some((p) => p.id === todo.project_id) ? [[todo.project_id, "Projet"]] : [])],
        todo.project_id),
      energy: select({ name: "energy", id: "todo-edit-energy" }, energyOptions(), todo.energy),
      context: input({ name: "context", id: "todo-edit-context", value: todo.context || "", list: "todo-contexts", maxlength: 200, placeholder: "@home" }),
      tags: input({ name: "tags", id: "todo-edit-tags", value: (todo.tags || []).join(", "), placeholder: "courses, maison" }),
      ticket: input({ name: "ticket", id: "todo-edit-ticket", type: "url", value: todo.ticket_url || "", placeholder: "https://…", maxlength: 100000 }),
      steps: textarea({ name: "verification", id: "todo-edit-steps", rows: 3 }, (todo.verification_steps || []).join("\n")),
    };
    const link = todo.ticket_url && safeUrl(todo.ticket_url);
    const recurrence = todo.recurrence_text || todo.recurrence;
    const enrich = h("button", { class: "btn accent", type: "button", id: "todo-enrich" }, "✨ Enrichir");
    enrich.addEventListener("click", () => askDraft(enrich));
    const form = h("form", { class: "form detail", id: "todo-edit-form" },
      field("Titre", f.title),
      field("Description", f.description, "Markdown accepté."),
      h("div", { class: "row" },
        h("div", { class: "grow" }, field("Statut", f.status)),
        h("div", { class: "grow" }, field("Priorité", f.priority)),
        h("div", { class: "grow" }, field("Projet", f.project))),
      h("div", { class: "row" },
        h("div", { class: "grow" }, field("Échéance", f.day)),
        h("div", { class: "grow" }, field("Heure", f.at))),
      h("div", { class: "row" },
        h("div", { class: "grow" }, field("Rappel", f.remind)),
        h("div", { class: "grow" }, field("Répéter", f.repeat, "« Répéter · non » arrête la série."))),
      recurrence ? h("p", { class: "meta", id: "todo-recurrence" }, h("span", { class: "k" }, "Récurrence"), h("span", { class: todo.recurrence_text ? "" : "mono" }, recurrence)) : null,
      h("div", { class: "row" },
        h("div", { class: "grow" }, field("Énergie", f.energy)),
        h("div", { class: "grow" }, field("Contexte", f.context), contextList("todo-contexts")),
        h("div", { class: "grow" }, field("Étiquettes", f.tags, "Séparées par des virgules."))),
      field("Ticket", f.ticket, link ? h("a", { href: link, target: "_blank", rel: "noopener noreferrer", id: "todo-ticket-link" }, "Ouvrir le ticket ↗") : null),
      field("Vérifications", f.steps, "Une par ligne : comment savoir que c'est vraiment fait."),
      h("div", { class: "row" }, h("button", { class: "btn primary", type: "submit", id: "todo-save" }, "Enregistrer"), enrich),
    );
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const change = diff(f);
      if (!change) return;
      if (await save(change, "Tâche non enregistrée")) {
        toast("Tâche enregistrée.");
        drawAll();
      }
    });
    clear(formBox, form);
  }

  /** What the form changes, as a PATCH body; null when nothing. */
  function diff(f) {
    const title = f.title.value.trim();
    if (!title) {
      toast("Le titre ne peut pas être vide.", { error: true });
      return null;
    }
    const next = {
      title,
      description: f.description.value.trim() || null,
      status: f.status.value,
      priority: f.priority.value === "" ? null : Number(f.priority.value),
      due_at: f.day.value ? localInstant(f.day.value, f.at.value || "00:00") : null,
      remind_at: f.remind.value ? localInstant(...f.remind.value.split("T")) : null,
      recurrence: f.repeat.value || null,
      project_id: f.project.value || null,
      energy: f.energy.value || null,
      context: f.context.value.trim() || null,
      tags: words(f.tags.value),
      ticket_url: f.ticket.value.trim() || null,
      verification_steps: lines(f.steps.value),
    };
    const change = {};
    for (const [key, value] of Object.entries(next)) {
      const old = (key === "due_at" || key === "remind_at") && todo[key] ? new Date(todo[key]).toISOString() : todo[key] ?? null;
      if (JSON.stringify(old) !== JSON.stringify(value)) change[key] = value;
    }
    if (change.status === "done") change.completed_at = new Date().toISOString();
    return Object.keys(change).length ? change : null;
  }

  // ---------------------------------------------------------------- the checklist

  function drawChecklist() {
    const items = todo.checklist || [];
    clear(checklistEl, items.length ? items.map((item, i) => {
      const box = h("input", { class: "check", type: "checkbox", checked: item.done, "aria-label": `Cocher « ${item.text} »` });
      box.addEventListener("change", () => setChecklist(items.map((x, j) => (j === i ? { ...x, done: box.checked } : x))));
      return h("li", { class: `item${item.done ? " done" : ""}` }, box,
        h("div", { class: "main-col" }, h("span", { class: "title" }, item.text)),
        deleteButton(() => setChecklist(items.filter((_, j) => j !== i)), `Retirer « ${item.text} »`));
    }) : h("li", null, empty("Pas encore de sous-étape.")));
  }

  async function setChecklist(checklist) {
    const ok = await save({ checklist }, "Sous-étapes non enregistrées");
    drawChecklist();
    drawHero();
    return ok;
  }

  addForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = addItem.value.trim();
    if (!text) return;
    addItem.value = "";
    setChecklist([...(todo.checklist || []), { text, done: false }]);
  });

  // ---------------------------------------------------------------- ✨ the draft

  async function askDraft(button) {
    button.disabled = true;
    const before = button.textContent;
    button.textContent = "✨ …";
    try {
      showDraft(await request("POST", `${path}/ai-enrich`));
    } catch (err) {
      toast(enrichError(err), { error: true, ms: 8000 });
    } finally {
      button.disabled = false;
      button.textContent = before;
    }
  }

  function showDraft(out) {
    const draft = out.draft;
    let decided = false;
    const d = dialog({
      title: "Enrichissement proposé",
      className: "proposal",
      onClose: ({ replaced }) => {
        // Closed without a choice: dropped, as Ignorer would.
        if (!decided && !replaced) request("POST", "/ai/command/cancel", { body: { proposal_id: out.draft_id } }).catch(() => {});
      },
    });
    d.el.id = "enrich-modal";
    const done = new Map((draft.checklist || []).map((i) => [i.text, i.done]));
    const g = {
      description: textarea({ name: "draft-description", id: "draft-description", rows: 6 }, draft.description),
      checklist: textarea({ name: "draft-checklist", id: "draft-checklist", rows: 5 }, (draft.checklist || []).map((i) => i.text).join("\n")),
      energy: select({ name: "draft-energy", id: "draft-energy" }, energyOptions(), draft.energy),
      context: input({ name: "draft-context", id: "draft-context", value: draft.context || "", list: "draft-contexts", maxlength: 200 }),
      tags: input({ name: "draft-tags", id: "draft-tags", value: (draft.tags || []).join(", ") }),
      steps: textarea({ name: "draft-steps", id: "draft-steps", rows: 3 }, (draft.verification_steps || []).join("\n")),
    };
    d.body.append(
      big(["Relis, ", "corrige", ", applique."], "big sm"),
      h("p", { class: "muted" }, "Rien n'est enregistré avant « Appliquer »."),
      h("div", { class: "form detail", id: "enrich-draft" },
        field("Description", g.description),
        field("Sous-étapes", g.checklist, "Une par ligne."),
        h("div", { class: "row" },
          h("div", { class: "grow" }, field("Énergie", g.energy)),
          h("div", { class: "grow" }, field("Contexte", g.context), contextList("draft-contexts")),
          h("div", { class: "grow" }, field("Étiquettes", g.tags))),
        field("Vérifications", g.steps, "Une par ligne.")),
      label(`Modèle · ${out.model_name}`),
    );
    const drop = h("button", { class: "btn", type: "button", id: "enrich-drop" }, "Ignorer");
    const apply = h("button", { class: "btn accent", type: "button", id: "enrich-apply" }, "Appliquer");
    d.foot.append(drop, apply);
    apply.focus();

    drop.addEventListener("click", () => {
      decided = true;
      request("POST", "/ai/command/cancel", { body: { proposal_id: out.draft_id } }).catch(() => {});
      toast("Proposition ignorée : la tâche n'a pas changé.");
      d.close();
    });

    apply.addEventListener("click", async () => {
      const edited = {
        description: g.description.value.trim() || null,
        checklist: lines(g.checklist.value).map((text) => ({ text, done: done.get(text) || false })),
        energy: g.energy.value || null,
        context: g.context.value.trim() || null,
        tags: words(g.tags.value),
        verification_steps: lines(g.steps.value),
      };
      decided = true;
      apply.disabled = drop.disabled = true;
      try {
        const r = await mutate("POST", `${path}/ai-enrich/apply`, { draft: edited, draft_id: out.draft_id });
        if (r.queued) {
          Object.assign(todo, edited, { ai_enriched: true, pending: true });
          toast("Hors ligne : enrichissement en attente de synchro.");
        } else {
          todo = { ...r.data.todo };
          toast("Tâche enrichie.");
        }
        d.close();
        drawAll();
        changed();
      } catch (err) {
        decided = false;
        apply.disabled = drop.disabled = false;
        toast(`Enrichissement non appliqué : ${err.message}`, { error: true });
      }
    });
  }

  function drawAll() {
    drawHero();
    drawForm();
    drawChecklist();
  }

  async function load(opts) {
    if (dirty) return;
    try {
      const [fresh] = await overlay("/todos", [await get(path, opts)]);
      // The owner may have started typing while the answer was on its way.
      if (dirty) return;
      if (fresh) todo = fresh;
      drawAll();
    } catch (err) {
      if (!(err instanceof ApiError && err.offline)) toast(err.message, { error: true });
    }
  }

  clear(root, hero,
    section("02.2", "Détails", null, formBox),
    section("02.3", "Sous-étapes", null, h("div", { class: "body" }, addForm), checklistEl));
  drawAll();
  return { refresh: load };
}

/** What to tell the owner when no draft came back. */
function enrichError(err) {
  if (err instanceof ApiError && err.code === "enrich_unavailable") {
    return "L'enrichissement a besoin du modèle de langue (MISTRAL_API_KEY) : sans lui, rien n'est proposé.";
  }
  if (err instanceof ApiError && err.code === "enrich_failed") return "Le modèle n'a pas pu proposer d'enrichissement ; réessaie plus tard.";
  if (err instanceof ApiError && err.offline) return "Hors ligne : l'enrichissement a besoin du réseau.";
  return `Pas d'enrichissement : ${err.message}`;
}
