// Projects: the list, and one project's kanban (backlog → done) and ideas.

import { mutate } from "../api.js";
import { ageSlot, readList, showAge } from "../offline.js";
import { isTemp, overlay, queued, tempId } from "../queue.js";
import { dayMonth } from "../dates.js";
import { add, big, chip, clear, deleteButton, drop, empty, errorBox, h, label, section, swap, toast } from "../ui.js";
import { labelOf, values } from "../vocabulary.js";

/** The kanban's columns, in order: [status, label]. */
const columns = () => values("step_statuses").map((s) => [s, labelOf("step_statuses", s, { cap: true })]);
const kindLabel = (k) => labelOf("project_kinds", k, { cap: true });

/** An optimistic write: apply `change` now, undo it with `revert` if the server refuses. */
async function optimistic({ change, revert, call, settle, redraw, what }) {
  change();
  redraw();
  try {
    const r = await call();
    settle?.(r);
  } catch (err) {
    revert();
    toast(`${what} : ${err.message}`, { error: true });
  }
  redraw();
}

// ---------------------------------------------------------------- list

export async function projectsView(root) {
  let projects = [];
  const listEl = h("ul", { class: "list", id: "project-list" });
  const name = h("input", { class: "input", name: "name", placeholder: "Nouveau projet…", required: true, maxlength: 2000, autocomplete: "off" });
  const kind = h("select", { class: "select", name: "kind", "aria-label": "Type" },
    ["perso", "freelance"].map((k) => h("option", { value: k }, kindLabel(k))));
  const form = h("form", { class: "inline-form stack", id: "project-form" }, name, kind, h("button", { class: "btn primary", type: "submit" }, "Créer"));

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { name: name.value.trim(), kind: kind.value };
    if (!body.name) return;
    const temp = tempId();
    const draft = { ...body, id: temp, status: "active", pending: true, created_at: new Date().toISOString() };
    form.reset();
    optimistic({
      change: () => projects.push(draft),
      revert: () => drop(projects, draft),
      call: () => mutate("POST", "/projects", body, { temp }),
      settle: (r) => { if (!r.queued) swap(projects, draft, r.data); },
      redraw: draw,
      what: "Projet non créé",
    });
  });

  function draw() {
    clear(listEl, projects.length ? projects.map((p) => h(
      "li",
      { class: `item${p.pending ? " pending" : ""}` },
      h("div", { class: "main-col" },
        String(p.id).startsWith("tmp-") ? h("span", { class: "title" }, p.name) : h("a", { class: "title", href: `/app/projects/${p.id}` }, p.name),
        h("div", { class: "sub" }, chip(kindLabel(p.kind), p.kind === "freelance" ? "accent" : ""), chip(p.status, "plain"),
          p.created_at ? label(`Depuis le ${dayMonth(p.created_at)}`) : null)),
      deleteButton(() => optimistic({
        change: () => drop(projects, p),
        revert: () => projects.push(p),
        call: () => mutate("DELETE", `/projects/${p.id}`),
        redraw: draw,
        what: "Projet non supprimé",
      }), `Supprimer le projet « ${p.name} »`),
    )) : h("li", null, empty("Aucun projet. Crée le premier.")));
  }

  const age = ageSlot();

  async function load(opts) {
    try {
      const { data, at } = await readList("/projects", "projects", opts);
      projects = await overlay("/projects", data);
      showAge(age, at);
      draw();
    } catch (err) {
      clear(listEl, h("li", null, errorBox(err)));
    }
  }

  clear(
    root,
    h("header", { class: "hero" }, label("Projets", "[ 03 ]"), big(["Ce qui se ", "construit", "."]), age),
    section("03.1", "Nouveau projet", null, h("div", { class: "body" }, form)),
    section("03.2", "Tous les projets", null, listEl),
  );
  await load();
  return { refresh: load };
}

// ---------------------------------------------------------------- one project

export async function projectView(root, [projectId]) {
  const base = `/projects/${encodeURIComponent(projectId)}`;
  let project;
  let projectAt = null;
  try {
    ({ data: project, at: projectAt } = await readList(base, "projects", { pick: (all) => all.find((p) => String(p.id) === projectId) }));
  } catch (err) {
    clear(root, h("header", { class: "hero" }, label("Projet", "[ 03 ]"), big(["Projet ", "introuvable", "."])), errorBox(err),
      h("div", { class: "body" }, h("a", { class: "btn", href: "/app/projects" }, "← Tous les projets")));
    return null;
  }
  let steps = [];
  let ideas = [];
  const board = h("div", { class: "board", id: "board" });
  const ideasEl = h("ul", { class: "list", id: "idea-list" });

  const stepTitle = h("input", { class: "input", name: "title", id: "step-title", placeholder: "Nouvelle étape…", required: true, maxlength: 2000, autocomplete: "off" });
  const stepCol = h("select", { class: "select", name: "status", "aria-label": "Colonne" }, columns().map(([v, n]) => h("option", { value: v }, n)));
  const stepForm = h("form", { class: "inline-form stack", id: "step-form" }, stepTitle, stepCol, h("button", { class: "btn primary", type: "submit" }, "Ajouter"));
  const ideaText = h("input", { class: "input", name: "content", id: "idea-content", placeholder: "Une idée…", required: true, autocomplete: "off" });
  const ideaForm = h("form", { class: "inline-form", id: "idea-form" }, ideaText, h("button", { class: "btn primary", type: "submit" }, "Noter"));

  stepForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { title: stepTitle.value.trim(), status: stepCol.value };
    if (!body.title) return;
    const temp = tempId();
    const draft = { ...body, id: temp, pending: true };
    stepTitle.value = "";
    optimistic({
      change: () => steps.push(draft),
      revert: () => drop(steps, draft),
      call: () => mutate("POST", `${base}/steps`, body, { temp }),
      settle: (r) => { if (!r.queued) swap(steps, draft, r.data); },
      redraw: drawBoard,
      what: "Étape non ajoutée",
    });
  });

  ideaForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { content: ideaText.value.trim() };
    if (!body.content) return;
    const temp = tempId();
    const draft = { ...body, id: temp, pending: true, created_at: new Date().toISOString() };
    ideaText.value = "";
    optimistic({
      change: () => ideas.unshift(draft),
      revert: () => drop(ideas, draft),
      call: () => mutate("POST", `${base}/ideas`, body, { temp }),
      settle: (r) => { if (!r.queued) swap(ideas, draft, r.data); },
      redraw: drawIdeas,
      what: "Idée non notée",
    });
  });

  function move(step, status) {
    if (step.status === status) return;
    const before = step.status;
    optimistic({
      change: () => { step.status = status; steps = [...steps.filter((s) => s !== step), step]; },
      revert: () => { step.status = before; },
      call: () => mutate("PATCH", `${base}/steps/${step.id}`, { status }),
      settle: (r) => { if (r.queued) step.pending = true; else Object.assign(step, r.data); },
      redraw: drawBoard,
      what: "Étape non déplacée",
    });
  }

  function card(step) {
    const cols = columns();
    const i = cols.findIndex(([v]) => v === step.status);
    const el = h(
      "div",
      { class: `card${step.pending ? " pending" : ""}`, draggable: "true", dataset: { id: step.id } },
      h("span", { class: "t" }, step.title),
      h("div", { class: "acts" },
        h("button", { class: "btn sm", type: "button", title: "Colonne précédente", "aria-label": "Reculer", disabled: i <= 0, onclick: () => move(step, cols[i - 1][0]) }, "←"),
        deleteButton(() => optimistic({
          change: () => { steps = steps.filter((s) => s !== step); },
          revert: () => steps.push(step),
          call: () => mutate("DELETE", `${base}/steps/${step.id}`),
          redraw: drawBoard,
          what: "Étape non supprimée",
        }), `Supprimer « ${step.title} »`),
        h("button", { class: "btn sm", type: "button", title: "Colonne suivante", "aria-label": "Avancer", disabled: i >= cols.length - 1, onclick: () => move(step, cols[i + 1][0]) }, "→")),
    );
    add(el.querySelector(".acts"), orderButtons(step));
    el.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData("text/plain", String(step.id));
      el.classList.add("dragging");
    });
    el.addEventListener("dragend", () => el.classList.remove("dragging"));
    // Dropped on a card of its own column: it takes that card's place (above it, or below
    // when dropped on its lower half). From another column, the column's drop moves it.
    el.addEventListener("drop", (e) => {
      const dragged = steps.find((s) => String(s.id) === e.dataTransfer.getData("text/plain"));
      if (!dragged || dragged === step || dragged.status !== step.status) return;
      e.preventDefault();
      e.stopPropagation();
      el.closest(".col")?.classList.remove("drop");
      const below = e.offsetY > el.getBoundingClientRect().height / 2;
      const column = steps.filter((s) => s.status === step.status && s !== dragged);
      column.splice(column.indexOf(step) + (below ? 1 : 0), 0, dragged);
      reorder(dragged, column);
    });
    return el;
  }

  // ------------------------------------------------------------ order within a column

  let ordering = Promise.resolve();
  const boardStatus = h("p", { class: "sr-only", id: "board-status", role: "status", "aria-live": "polite" });

  /** ↑ and ↓: the keyboard's way to move a card up or down its column. */
  function orderButtons(step) {
    const column = steps.filter((s) => s.status === step.status);
    const i = column.indexOf(step);
    const shift = (delta) => () => {
      const next = column.filter((s) => s !== step);
      next.splice(i + delta, 0, step);
      reorder(step, next, delta < 0 ? "up" : "down");
    };
    return h("span", { class: "order" },
      h("button", { class: "btn sm", type: "button", dataset: { order: "up" }, "aria-label": `Monter « ${step.title} »`, title: "Monter", disabled: i <= 0, onclick: shift(-1) }, "↑"),
      h("button", { class: "btn sm", type: "button", dataset: { order: "down" }, "aria-label": `Descendre « ${step.title} »`, title: "Descendre", disabled: i >= column.length - 1, onclick: shift(1) }, "↓"));
  }

  /** `column` (the steps of `step`'s column in their new order) becomes the order, now and
   * on the server (queued when offline); the focus stays on the card's button. */
  function reorder(step, column, pressed = null) {
    const before = steps;
    const status = step.status;
    const name = columns().find(([v]) => v === status)?.[1] ?? status;
    optimistic({
      change: () => { steps = [...steps.filter((s) => s.status !== status), ...column]; },
      revert: () => { steps = before; },
      call: () => {
        // One after the other: each sends the whole column, the last pressed must land last.
        const send = () => mutate("POST", `${base}/steps/reorder`, { order: column.filter((s) => !isTemp(s.id)).map((s) => s.id) });
        ordering = ordering.then(send, send);
        return ordering;
      },
      settle: (r) => {
        if (r.queued) return;
        const positions = new Map(r.data.map((row) => [String(row.id), row.position]));
        for (const s of steps) if (positions.has(String(s.id))) s.position = positions.get(String(s.id));
      },
      redraw: () => {
        drawBoard();
        if (pressed) focusOrder(step, pressed);
      },
      what: "Ordre non changé",
    });
    boardStatus.textContent = `« ${step.title} » : ${column.indexOf(step) + 1} sur ${column.length} dans ${name}.`;
  }

  function focusOrder(step, pressed) {
    const el = board.querySelector(`.card[data-id="${CSS.escape(String(step.id))}"]`);
    const wanted = el?.querySelector(`[data-order="${pressed}"]`);
    const other = el?.querySelector(`[data-order="${pressed === "up" ? "down" : "up"}"]`);
    (wanted && !wanted.disabled ? wanted : other)?.focus();
  }

  /** The orders still queued (made offline) laid over the board read back. */
  async function withQueuedOrders(rows) {
    const orders = await queued("POST", `${base}/steps/reorder`);
    if (!orders.length) return rows;
    for (const m of orders) {
      const positions = new Map(m.body.order.map((id, i) => [String(id), i]));
      rows = rows.map((r) => (positions.has(String(r.id)) ? { ...r, position: positions.get(String(r.id)), pending: true } : r));
    }
    const pos = (r) => r.position ?? Number.MAX_SAFE_INTEGER;
    return rows.sort((a, b) => pos(a) - pos(b)); // stable: each column keeps its own order
  }

  function drawBoard() {
    clear(board, columns().map(([status, name]) => {
      const mine = steps.filter((s) => s.status === status);
      const col = h("div", { class: "col", dataset: { status } },
        h("div", { class: "col-head" }, h("span", null, name), h("span", { class: "c" }, String(mine.length))),
        h("div", { class: "col-body" }, mine.map(card)));
      col.addEventListener("dragover", (e) => { e.preventDefault(); col.classList.add("drop"); });
      col.addEventListener("dragleave", () => col.classList.remove("drop"));
      col.addEventListener("drop", (e) => {
        e.preventDefault();
        col.classList.remove("drop");
        const step = steps.find((s) => String(s.id) === e.dataTransfer.getData("text/plain"));
        if (step) move(step, status);
      });
      return col;
    }));
  }

  function drawIdeas() {
    clear(ideasEl, ideas.length ? ideas.map((idea) => h(
      "li",
      { class: `item${idea.pending ? " pending" : ""}` },
      h("div", { class: "main-col" }, h("span", { class: "title" }, idea.content), idea.created_at ? label(dayMonth(idea.created_at)) : null),
      deleteButton(() => optimistic({
        change: () => { ideas = ideas.filter((x) => x !== idea); },
        revert: () => ideas.push(idea),
        call: () => mutate("DELETE", `${base}/ideas/${idea.id}`),
        redraw: drawIdeas,
        what: "Idée non supprimée",
      }), "Supprimer l'idée"),
    )) : h("li", null, empty("Pas encore d'idée.")));
  }

  const age = ageSlot();

  async function load(opts) {
    try {
      const [s, i] = await Promise.all([
        readList(`${base}/steps`, `steps:${projectId}`, opts),
        readList(`${base}/ideas`, `ideas:${projectId}`, opts),
      ]);
      steps = await withQueuedOrders(await overlay(`${base}/steps`, s.data));
      ideas = await overlay(`${base}/ideas`, i.data);
      showAge(age, s.at ?? i.at ?? projectAt);
      drawBoard();
      drawIdeas();
    } catch (err) {
      clear(board, errorBox(err));
    }
  }

  clear(
    root,
    h("header", { class: "hero" },
      h("div", { class: "hint-row" }, h("a", { class: "btn sm", href: "/app/projects" }, "← Projets"), label(`Projet · ${kindLabel(project.kind)} · ${project.status}`, "[ 03 ]")),
      big([`${project.name}`]),
      project.description ? h("p", { class: "muted" }, project.description) : null, age),
    section("03.3", "Kanban", null, h("div", { class: "body" }, stepForm,
      h("p", { class: "muted" }, "Glisse une carte, ou ↑ ↓ pour la déplacer dans sa colonne, ← → pour changer de colonne."))),
    board,
    boardStatus,
    section("03.4", "Idées", null, h("div", { class: "body" }, ideaForm), ideasEl),
  );
  await load();
  return { refresh: load };
}
