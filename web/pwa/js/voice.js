// 🎤: record with MediaRecorder, send to POST /ai/voice (multipart field "audio"), then the
// same confirm modal with the transcript. A failed transcription keeps the audio for a retry.

import { request } from "./api.js";
import { showProposal } from "./proposal.js";
import { big, clear, dialog, h, label, toast } from "./ui.js";

const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
const MAX_MS = 2 * 60 * 1000;
const EXT = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" };
let recording = false;

export async function startVoice() {
  if (recording) return;
  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) {
    toast("Ce navigateur ne sait pas enregistrer l'audio.", { error: true });
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    toast("Micro indisponible ou refusé.", { error: true });
    return;
  }
  const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || "";
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const chunks = [];
  const mic = document.getElementById("mic-btn");
  let sendIt = false;
  recording = true;
  mic.classList.add("rec");

  const timer = h("span", { class: "rec-timer" }, "0:00");
  const d = dialog({ title: "Mémo vocal", onClose: () => { if (recorder.state !== "inactive") recorder.stop(); } });
  d.el.id = "voice-modal";
  d.body.append(label("Enregistrement", "●"), timer, h("p", { class: "muted" }, "Parle normalement. « Envoyer » quand tu as fini."));
  const stop = h("button", { class: "btn accent", type: "button", id: "voice-send" }, "Envoyer");
  d.foot.append(h("button", { class: "btn", type: "button", onclick: () => d.close() }, "Annuler"), stop);
  stop.addEventListener("click", () => { sendIt = true; recorder.stop(); });
  stop.focus(); // Enter sends, Esc cancels

  const started = Date.now();
  const tick = setInterval(() => {
    const s = Math.floor((Date.now() - started) / 1000);
    timer.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    if (Date.now() - started > MAX_MS) stop.click();
  }, 250);

  let bytes = 0;
  recorder.addEventListener("dataavailable", (e) => {
    if (!e.data.size) return;
    chunks.push(e.data);
    bytes += e.data.size;
    d.el.dataset.bytes = String(bytes); // what has been heard so far
  });
  recorder.addEventListener("stop", () => {
    clearInterval(tick);
    stream.getTracks().forEach((t) => t.stop());
    recording = false;
    mic.classList.remove("rec");
    if (!sendIt) return;
    const type = (recorder.mimeType || mimeType || "audio/webm").split(";")[0];
    if (!bytes) {
      clear(d.body, big(["Rien ", "entendu", "."], "big sm"), h("p", { class: "muted" }, "L'enregistrement est vide : réessaie en parlant un peu plus longtemps."));
      clear(d.foot, h("button", { class: "btn primary", type: "button", onclick: () => d.close() }, "Fermer"));
      return;
    }
    send(d, new Blob(chunks, { type }), type, (Date.now() - started) / 1000);
  });
  recorder.start(250);
}

// `seconds`: how long it recorded, what the AI's usage counts when the server cannot read the
// length from the file (WebM and MP4 recordings).
async function send(d, blob, type, seconds) {
  clear(d.body, h("p", null, h("span", { class: "spinner" }), " Transcription…"));
  clear(d.foot);
  const form = new FormData();
  form.append("seconds", seconds.toFixed(1));
  form.append("audio", blob, `voice.${EXT[type] || "webm"}`);
  try {
    const proposal = await request("POST", "/ai/voice", { form });
    await showProposal(proposal);
  } catch (err) {
    const why = {
      stt_disabled: "La transcription est désactivée sur le serveur (pas de GROQ_API_KEY).",
      offline: "Hors ligne : le mémo est gardé, réessaie au retour du réseau.",
    }[err.code] || `La transcription a échoué : ${err.message}`;
    clear(d.body, big(["Pas ", "compris", "."], "big sm"), h("p", { class: "error-box" }, why));
    clear(d.foot,
      h("button", { class: "btn", type: "button", onclick: () => d.close() }, "Abandonner"),
      err.code === "stt_disabled" ? null : h("button", { class: "btn accent", type: "button", onclick: () => send(d, blob, type, seconds) }, "Réessayer"));
  }
}
