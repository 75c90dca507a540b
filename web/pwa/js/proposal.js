// The confirm modal: what the agent proposes (nothing is written yet), Confirmer / Annuler,
// then what was written, read back from the database, with ↩ to undo. Inside Telegram its
// MainButton is the ✅ too.

import { actionForm, loadSchemas } from "./action_form.js";
import { ApiError, get, request } from "./api.js";
import { dayOf, dueText, shortDay, time } from "./dates.js";
import { mainButton, mainButtonBusy } from "./telegram.js";
import { add, big, chip, clear, dialog, h, label, toast } from "./ui.js";
import { labelOf } from "./vocabulary.js";

let projectNames = new Map();

async function loadProjectNames() {
  try {
    projectNames = new Map((await get("/projects")).map((p) => [p.id, p.name]));
  } catch {
    // names are a nicety; ids will do
  }
}

const project = (id) => (id ? projectNames.get(id) || "un projet" : null);

/**
 * A French line for one action, from its arguments (proposed) or its row (written). `repeat`:
 * its repetition in words, as the API says it (`recurrence_texts` of the proposal).
 */
export function describe(fn, a = {}, { repeat } = {}) {
  switch (fn) {
    case "create_todo":
      return {
        kind: "Tâche",
        title: a.title,
        meta: [
          a.due_at ? `échéance ${dueText(a.due_at).text}` : null,
          a.remind_at ? `⏰ rappel ${dueText(a.remind_at).text}` : null,
          a.recurrence ? `🔁 ${repeat || "répétée"}` : null,
          a.priority !== undefined && a.priority !== null ? `priorité ${labelOf("priorities", a.priority)}` : null,
          project(a.project_id),
          ...(a.tags || []).map((t) => `#${t}`),
        ],
      };
    case "add_project_idea":
      return { kind: "Idée", title: a.content, meta: [project(a.project_id)] };
    case "add_project_step":
      return { kind: "Étape", title: a.title, meta: [project(a.project_id), labelOf("step_statuses", a.status || "backlog", { cap: true })] };
    case "create_calendar_event":
      return {
        kind: "Événement",
        title: a.title,
        meta: [a.starts_at ? `${shortDay(a.starts_at)} ${time(a.starts_at)}–${time(a.ends_at)}` : null, a.recurrence ? `🔁 ${repeat || "répété"}` : null, a.location],
      };
    case "toggle_daily_checkin":
      return {
        kind: "Médocs",
        title: a.meds_taken === false ? "Médocs décochés" : "Médocs du jour cochés",
        meta: [a.note],
      };
    case "enrich_todo":
      return { kind: "Enrichissement", title: a.title, meta: [a.energy ? labelOf("energies", a.energy) : null, a.context] };
    default:
      return { kind: fn, title: JSON.stringify(a), meta: [] };
  }
}

const WARNING_WORDS = { overlap: "chevauche", reminder_during_event: "rappel pendant" };

/**
 * "⚠️ chevauche « Dentiste » 15:00–16:00": what the action clashes with in the agenda, as the
 * API computed it when proposing (its day too when it is not the action's). Never blocks.
 */
export function warningText(w, a = {}) {
  const first = a.starts_at || a.remind_at;
  const on = first && dayOf(new Date(w.starts_at)) !== dayOf(new Date(first)) ? `${shortDay(w.starts_at)} ` : "";
  return `⚠️ ${WARNING_WORDS[w.code] || w.code} « ${w.title} » ${on}${time(w.starts_at)}–${time(w.ends_at)}`;
}

function actionLine(fn, args, extra = {}) {
  const d = describe(fn, args, { repeat: extra.repeat });
  const warnings = extra.warnings || [];
  return h(
    "li",
    { class: `action${extra.cls ? ` ${extra.cls}` : ""}` },
    extra.control || null,
    h("div", { class: "what" }, label(d.kind), h("span", { class: "t" }, d.title),
      h("div", { class: "chips" }, d.meta.filter(Boolean).map((m) => chip(m, "plain"))),
      warnings.length ? h("ul", { class: "warnings" }, warnings.map((w) => h("li", { class: "late" }, warningText(w, args)))) : null,
      extra.error ? h("span", { class: "late mono" }, extra.error) : null),
  );
}

/** A question's answer, as the API wrote it from the rows (plain text, one line a row). */
function answerBlock(proposal) {
  return h("div", { class: "answer", id: "proposal-answer" }, label("Réponse"), h("p", { class: "answer-text" }, proposal.message || ""));
}

const changed = () => window.dispatchEvent(new CustomEvent("data-changed"));

/**
 * Show a proposal (from /ai/command or /ai/voice) and carry out the owner's choice; a
 * question's answer (`proposal.answer`, said in `message`) comes first, then the actions, if any.
 */
export async function showProposal(proposal) {
  await loadProjectNames();
  let decided = false;
  let releaseMain = () => {};
  const pending = proposal.proposal_id && proposal.actions.length;
  const answered = Boolean(proposal.answer);
  const d = dialog({
    title: answered && !pending ? (proposal.transcript ? "Mémo vocal · réponse" : "Réponse de l'agent")
      : proposal.transcript ? "Mémo vocal · proposition" : "Proposition de l'agent",
    className: "proposal",
    onClose: ({ replaced }) => {
      releaseMain();
      // Closed without a choice: the proposal is declined, as Annuler would.
      if (pending && !decided && !replaced) {
        request("POST", "/ai/command/cancel", { body: { proposal_id: proposal.proposal_id } }).catch(() => {});
      }
    },
  });
  d.el.id = "proposal-modal";
  if (proposal.transcript) {
    d.body.append(label("Transcription"), h("blockquote", { class: "transcript", id: "transcript" }, proposal.transcript));
  }
  if (answered) d.body.append(answerBlock(proposal));
  if (!pending && answered) {
    d.foot.append(h("button", { class: "btn primary", type: "button", onclick: () => d.close() }, "Fermer"));
    return;
  }
  if (!pending) {
    d.body.append(big(["Rien à ", "faire", "."], "big sm"), h("p", { class: "muted" }, proposal.message || "Je n'ai reconnu aucune action dans ce message."));
    d.foot.append(h("button", { class: "btn primary", type: "button", onclick: () => d.close() }, "Fermer"));
    return;
  }
  const boxes = [];
  const repeats = proposal.recurrence_texts || {};
  const forms = new Map(); // action id → its edit form, once opened
  const problem = h("p", { class: "error-box", id: "proposal-error", role: "alert", hidden: true });
  add(
    d.body,
    big(["Tu veux ", "faire", " :"], "big sm"),
    h("ul", { class: "actions", id: "proposed-actions" }, proposal.actions.map((action) => {
      const box = h("input", { class: "check", type: "checkbox", checked: true, "aria-label": "Garder cette action" });
      boxes.push([box, action]);
      const line = actionLine(action.fn, action.args, { control: box, repeat: repeats[action.id], warnings: action.warnings });
      line.append(editButton(action, line, forms));
      return line;
    })),
    problem,
    proposal.message && !answered ? h("p", { class: "muted" }, proposal.message) : null,
    label(proposal.fallback_reason ? `Analyse hors-ligne · ${proposal.model_name}` : `Modèle · ${proposal.model_name}`),
  );
  const cancel = h("button", { class: "btn", type: "button", id: "proposal-cancel" }, "Annuler");
  const confirm = h("button", { class: "btn accent", type: "button", id: "proposal-confirm" }, "Confirmer");
  d.foot.append(cancel, confirm);
  confirm.focus();
  releaseMain = mainButton("✅ Confirmer", () => confirm.click());

  cancel.addEventListener("click", async () => {
    releaseMain();
    decided = true;
    cancel.disabled = confirm.disabled = true;
    try {
      await request("POST", "/ai/command/cancel", { body: { proposal_id: proposal.proposal_id } });
      toast("Proposition annulée.");
    } catch (err) {
      toast(err.message, { error: true });
    }
    d.close();
  });

  confirm.addEventListener("click", async () => {
    const kept = boxes.filter(([box]) => box.checked)
      .map(([, action]) => (forms.has(action.id) ? { ...action, args: forms.get(action.id).args() } : action));
    if (!kept.length) {
      cancel.click();
      return;
    }
    decided = true;
    mainButtonBusy();
    cancel.disabled = confirm.disabled = true;
    confirm.textContent = "…";
    const body = { proposal_id: proposal.proposal_id };
    if (kept.length !== proposal.actions.length || forms.size) body.actions = kept;
    try {
      showResults(d, await request("POST", "/ai/command/confirm", { body }), null, repeats);
      releaseMain();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        // An edit the server refused: nothing was written, the proposal still waits.
        decided = false;
        problem.hidden = false;
        problem.textContent = `Modification refusée : ${editError(err)}`;
        cancel.disabled = confirm.disabled = false;
        confirm.textContent = "Confirmer";
        mainButtonBusy(false); // Telegram's ✅ stays, ready for the corrected proposal
        return;
      }
      releaseMain();
      if (err instanceof ApiError && err.details?.results) showResults(d, err.details, err.message, repeats);
      else {
        clear(d.body, h("p", { class: "error-box" }, err.message));
        clear(d.foot, h("button", { class: "btn primary", type: "button", onclick: () => d.close() }, "Fermer"));
      }
    }
    changed();
  });
}

/** "Éditer": opens (or closes) the action's form under its line; what was typed stays. */
function editButton(action, line, forms) {
  const button = h("button", { class: "btn sm edit-btn", type: "button", "aria-expanded": "false", dataset: { edit: action.id } }, "Éditer");
  button.setAttribute("aria-label", `Éditer : ${describe(action.fn, action.args).title}`);
  button.addEventListener("click", async () => {
    const open = forms.get(action.id);
    if (open) {
      open.el.hidden = !open.el.hidden;
      button.setAttribute("aria-expanded", String(!open.el.hidden));
      return;
    }
    button.disabled = true;
    try {
      const schemas = await loadSchemas();
      const form = actionForm(action, schemas[action.fn], { projects: projectNames });
      forms.set(action.id, form);
      line.append(form.el);
      button.setAttribute("aria-expanded", "true");
      form.el.querySelector("input, select, textarea")?.focus();
    } catch (err) {
      toast(`Formulaire indisponible : ${err.message}`, { error: true });
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** The first thing the server refused in an edit, in a line. */
function editError(err) {
  const first = Array.isArray(err.details) ? err.details[0] : null;
  if (!first) return err.message;
  const where = [...(first.loc || [])].reverse().find((x) => typeof x === "string");
  return where ? `${where} : ${first.msg || err.message}` : first.msg || err.message;
}

function showResults(d, state, error = null, repeats = {}) {
  const ok = state.status === "confirmed";
  clear(
    d.body,
    big(ok ? ["C'est ", "fait", "."] : ["Ça n'a pas ", "marché", "."], "big sm"),
    error ? h("p", { class: "error-box" }, error) : null,
    h("ul", { class: "actions", id: "action-results" }, state.results.map((r) => actionLine(r.fn, r.row || r.args, {
      cls: r.status === "confirmed" ? "ok" : "bad",
      error: r.error,
      repeat: repeats[r.id],
    }))),
  );
  const close = h("button", { class: "btn primary", type: "button", onclick: () => d.close() }, "Fermer");
  clear(d.foot);
  if (ok) {
    const undo = h("button", { class: "btn", type: "button", id: "proposal-undo" }, "↩ Annuler");
    undo.addEventListener("click", async () => {
      undo.disabled = true;
      try {
        await request("POST", "/ai/command/undo", { body: { proposal_id: state.proposal_id } });
        toast("Annulé : rien n'a été gardé.");
        changed();
        d.close();
      } catch (err) {
        toast(err.message, { error: true });
        undo.disabled = false;
      }
    });
    d.foot.append(undo);
  }
  d.foot.append(close);
  close.focus();
}
