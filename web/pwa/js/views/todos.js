// Todos: filters, create (with a reminder and a repetition), complete, stop a series, delete;
// optimistic, and queued when offline.

import { mutate } from "../api.js";
import { TODOS, ageSlot, readList, showAge } from "../offline.js";
import { isTemp, overlay, tempId } from "../queue.js";
import { dueText, localInstant } from "../dates.js";
import { big, chip, clear, deleteButton, drop, empty, errorBox, h, label, section, swap, toast } from "../ui.js";
import { labelOf, values } from "../vocabulary.js";

// The repetitions the form offers, as RFC 5545 rules (the API says any rule in words back, in
// `recurrence_text`: the PWA never reads a rule itself).
export const REPEATS = [
  ["", "Répéter · non"],
  ["FREQ=DAILY", "Chaque jour"],
  ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "En semaine"],
  ["FREQ=WEEKLY", "Chaque semaine"],
  ["FREQ=WEEKLY;INTERVAL=2", "Toutes les 2 semaines"],
  ["FREQ=MONTHLY", "Chaque mois"],
  ["FREQ=YEARLY", "Chaque année"],
];

const open = (todo) => todo.status !== "done" && todo.status !== "archived";
const changed = () => window.dispatchEvent(new CustomEvent("data-changed"));

const status = (s) => labelOf("todo_statuses", s, { cap: true });
const FILTERS = () => [
  ["active", "Actives", (t) => t.status !== "done" && t.status !== "archived"],
  ...["inbox", "todo", "doing"].map((s) => [s, status(s), (t) => t.status === s]),
  ["done", "Faites", (t) => t.status === "done"],
  ["all", "Toutes", (t) => t.status !== "archived"],
];

/** One todo row: checkbox (done), title, due date, reminder, repetition, priority, tags,
 * "Arrêter la série", delete. */
export function todoItem(todo, { onToggle, onDelete, onStop }) {
  const done = todo.status === "done";
  const due = todo.due_at ? dueText(todo.due_at) : null;
  const stop = onStop && todo.recurrence && open(todo)
    ? h("button", { class: "btn sm ghost stop-series", type: "button", "aria-label": `Arrêter la série « ${todo.title} »`, onclick: () => onStop(todo) }, "Arrêter la série")
    : null;
  const box = h("input", { class: "check", type: "checkbox", checked: done, "aria-label": `Terminer « ${todo.title} »` });
  box.addEventListener("change", () => onToggle(todo, box.checked));
  return h(
    "li",
    { class: `item todo${done ? " done" : ""}${todo.pending ? " pending" : ""}`, dataset: { id: todo.id } },
    box,
    h(
      "div",
      { class: "main-col" },
      // The todo's own page (everything it holds, ✨ Enrichir); not for one created offline.
      isTemp(todo.id) ? h("span", { class: "title" }, todo.title) : h("a", { class: "title", href: `/app/todos/${todo.id}` }, todo.title),
      h(
        "div",
        { class: "sub" },
        due ? h("span", { class: `label${due.late && !done ? " late" : ""}` }, due.late && !done ? `En retard · ${due.text}` : due.text) : null,
        todo.remind_at && open(todo) ? h("span", { class: "label remind" }, `⏰ rappel ${dueText(todo.remind_at).text}`) : null,
        todo.recurrence ? chip(`🔁 ${todo.recurrence_text || "répétée"}`, "plain repeat") : null,
        todo.priority !== null && todo.priority !== undefined ? chip(`P${todo.priority} ${labelOf("priorities", todo.priority)}`, todo.priority >= 2 ? "accent" : "") : null,
        todo.status !== "done" && todo.status !== "inbox" ? chip(status(todo.status), "plain") : null,
        (todo.tags || []).map((t) => chip(`#${t}`, "plain")),
        todo.pending ? h("span", { class: "label" }, "En attente de synchro") : null,
      ),
    ),
    stop,
    onDelete ? deleteButton(() => onDelete(todo), `Supprimer « ${todo.title} »`) : null,
  );
}

/** What a list of todos does on its rows (the dashboard's and the todos page's). */
export const todoActions = (list, redraw) => ({
  onToggle: (todo, done) => toggleTodo(todo, done, redraw),
  onDelete: (todo) => deleteTodo(list, todo, redraw),
  onStop: (todo) => stopSeries(todo, redraw),
});

/** Complete / reopen a todo held in `list`, optimistically; `redraw` after each change. */
export async function toggleTodo(todo, done, redraw) {
  const before = todo.status;
  todo.status = done ? "done" : "todo";
  redraw();
  // The moment it was done goes along: replayed from the offline queue later, it stays.
  const change = done ? { status: "done", completed_at: new Date().toISOString() } : { status: "todo" };
  try {
    const r = await mutate("PATCH", `/todos/${todo.id}`, change);
    if (!r.queued) Object.assign(todo, r.data);
    else todo.pending = true;
    // Done, a recurring todo brings its next occurrence: read the list again to show it.
    if (!r.queued && done && todo.recurrence) changed();
  } catch (err) {
    todo.status = before;
    toast(`Impossible de modifier la tâche : ${err.message}`, { error: true });
  }
  redraw();
}

/** Stop a todo's series: this occurrence stays, no next one will come. */
export async function stopSeries(todo, redraw) {
  const before = { recurrence: todo.recurrence, recurrence_text: todo.recurrence_text };
  Object.assign(todo, { recurrence: null, recurrence_text: null });
  redraw();
  try {
    const r = await mutate("PATCH", `/todos/${todo.id}`, { recurrence: null });
    if (!r.queued) Object.assign(todo, r.data);
    else todo.pending = true;
    toast("Série arrêtée : cette tâche ne reviendra plus.");
  } catch (err) {
    Object.assign(todo, before);
    toast(`Impossible d'arrêter la série : ${err.message}`, { error: true });
  }
  redraw();
}

export async function deleteTodo(list, todo, redraw) {
  const i = drop(list, todo);
  redraw();
  try {
    const r = await mutate("DELETE", `/todos/${todo.id}`);
    // One occurrence deleted, the series goes on: its next occurrence is now in the list.
    if (todo.recurrence && open(todo)) {
      toast("Supprimée ; la série continue (« Arrêter la série » pour l'arrêter).");
      if (!r.queued) changed();
    }
  } catch (err) {
    if (err.status !== 404) {
      list.splice(Math.max(i, 0), 0, todo);
      toast(`Impossible de supprimer : ${err.message}`, { error: true });
      redraw();
    }
  }
}

export async function todosView(root) {
  let todos = [];
  let filter = "active";
  const listEl = h("ul", { class: "list", id: "todo-list" });
  const tabs = h("div", { class: "tabs", role: "toolbar", "aria-label": "Filtres" });

  const title = h("input", { class: "input", name: "title", id: "todo-title", placeholder: "Nouvelle tâche…", required: true, maxlength: 2000, autocomplete: "off" });
  const due = h("input", { class: "input", name: "due", type: "date", "aria-label": "Échéance", style: { maxWidth: "170px" } });
  const prio = h("select", { class: "select", name: "priority", "aria-label": "Priorité" },
    h("option", { value: "" }, "Priorité"),
    values("priorities").map((p) => h("option", { value: String(p) }, `P${p} · ${labelOf("priorities", p)}`)));
  // Nothing picked: the Inbox, to sort later (as from Telegram).
  const statusPick = h("select", { class: "select", name: "status", "aria-label": "Statut" },
    values("todo_statuses").filter((s) => s !== "archived" && s !== "done").map((s) => h("option", { value: s }, status(s))));
  // The reminder is a wall-clock time in the owner's zone, whatever the device's.
  const remind = h("input", { class: "input", name: "remind", id: "todo-remind", type: "datetime-local" });
  const repeat = h("select", { class: "select", name: "repeat", id: "todo-repeat", "aria-label": "Répéter" },
    REPEATS.map(([value, text]) => h("option", { value }, text)));
  const form = h(
    "form",
    { class: "todo-form", id: "todo-form" },
    h("div", { class: "inline-form stack" }, title, due, prio, statusPick, h("button", { class: "btn primary", type: "submit" }, "Ajouter")),
    h("div", { class: "inline-form stack when" },
      h("label", { class: "field-in", for: "todo-remind" }, h("span", { class: "pre" }, "⏰ Rappel"), remind),
      repeat),
  );

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = title.value.trim();
    if (!text) return;
    const body = { title: text, status: statusPick.value || "inbox" };
    if (due.value) body.due_at = localInstant(due.value);
    if (prio.value !== "") body.priority = Number(prio.value);
    if (remind.value) body.remind_at = localInstant(...remind.value.split("T"));
    if (repeat.value) body.recurrence = repeat.value;
    const temp = tempId();
    const draft = { id: temp, tags: [], priority: null, due_at: null, ...body, pending: true };
    if (repeat.value) draft.recurrence_text = repeat.selectedOptions[0].textContent.toLowerCase();
    todos.unshift(draft);
    form.reset();
    title.focus();
    if (filter === "done") filter = "active";
    draw();
    try {
      const r = await mutate("POST", "/todos", body, { temp });
      if (!r.queued) swap(todos, draft, r.data);
    } catch (err) {
      drop(todos, draft);
      toast(`Tâche non créée : ${err.message}`, { error: true });
    }
    draw();
  });

  function draw() {
    const filters = FILTERS();
    const counts = Object.fromEntries(filters.map(([key, , keep]) => [key, todos.filter(keep).length]));
    clear(tabs, filters.map(([key, name]) => h("button", {
      type: "button",
      "aria-pressed": String(filter === key),
      dataset: { filter: key },
      onclick: () => { filter = key; draw(); },
    }, name, h("span", { class: "count" }, counts[key]))));
    const keep = filters.find(([key]) => key === filter)[2];
    const shown = todos.filter(keep);
    clear(listEl, shown.length
      ? shown.map((t) => todoItem(t, todoActions(todos, draw)))
      : h("li", null, empty(filter === "active" ? "Rien à faire. Profite." : "Aucune tâche ici.")));
  }

  const age = ageSlot();

  async function load(opts) {
    try {
      const { data, at } = await readList(TODOS, "todos", opts);
      todos = await overlay("/todos", data);
      showAge(age, at);
      draw();
    } catch (err) {
      clear(listEl, h("li", null, errorBox(err)));
    }
  }

  clear(
    root,
    h("header", { class: "hero" }, label("Tâches", "[ 02 ]"), big(["Tout ce qui ", "reste", " à faire."]), age),
    section("02.1", "Nouvelle tâche", null, h("div", { class: "body" }, form)),
    h("section", { class: "section" }, tabs, listEl),
  );
  await load();
  return { refresh: load };
}
