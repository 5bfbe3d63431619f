// The account pages the emails link to (/compte/<page>#jeton=...). The token is read from the
// fragment (never sent to a server), removed from the address bar, and posted in a JSON body.
"use strict";

const page = location.pathname.split("/").filter(Boolean).pop();
const token = new URLSearchParams(location.hash.slice(1)).get("jeton");
if (location.hash) history.replaceState(null, "", location.pathname);
const message = document.getElementById("message");
const form = document.getElementById("form");
const list = document.getElementById("list");

async function csrf() {
  const answer = await fetch("/api/auth/csrf", { credentials: "same-origin" });
  return (await answer.json()).csrf_token;
}

async function send(method, path, body) {
  const headers = { "X-CSRFToken": await csrf() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(path, { method, headers, credentials: "same-origin",
                                     body: body === undefined ? undefined : JSON.stringify(body) });
  const data = answer.status === 204 ? {} : await answer.json();
  return { ok: answer.ok, data };
}

function say(text) { message.textContent = text; }

function ask(fields, label, submit) {
  form.replaceChildren();
  for (const [name, type, text] of fields) {
    const lab = document.createElement("label");
    lab.textContent = text + " ";
    const input = document.createElement("input");
    Object.assign(input, { name, type, required: true });
    lab.append(input);
    form.append(lab, document.createElement("br"));
  }
  const button = document.createElement("button");
  button.textContent = label;
  form.append(button);
  form.hidden = false;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const { ok, data } = await submit(values);
    say(data.detail || (ok ? "C'est fait." : "Une erreur est survenue."));
    if (ok) form.hidden = true;
  };
}

async function invitations() {
  const { ok, data } = await send("GET", "/api/me/invitations");
  if (!ok) { say(data.detail + " — connectez-vous : /compte/connexion"); return; }
  say(data.length ? "Vos invitations :" : "Aucune invitation en attente.");
  list.replaceChildren();
  for (const invitation of data) {
    const item = document.createElement("li");
    item.textContent = `${invitation.organisation.name} (${invitation.role}) `;
    for (const [answer, text] of [["accept", "Accepter"], ["decline", "Refuser"]]) {
      const button = document.createElement("button");
      button.textContent = text;
      button.onclick = async () => {
        const result = await send("POST", `/api/me/invitations/${invitation.id}/${answer}`);
        say(result.ok ? "Réponse enregistrée." : result.data.detail);
        item.remove();
      };
      item.append(button);
    }
    list.append(item);
  }
  list.hidden = false;
}

const pages = {
  "confirmer": async () => {
    if (!token) { say("Lien incomplet : ouvrez le lien reçu par email."); return; }
    const { data } = await send("POST", "/api/auth/confirm", { token });
    say(data.detail);
  },
  "mot-de-passe": () => {
    say("Choisissez un nouveau mot de passe (12 caractères au moins).");
    ask([["password", "password", "Nouveau mot de passe"]], "Enregistrer",
        (v) => send("POST", "/api/auth/password/reset", { token, password: v.password }));
  },
  "mot-de-passe-oublie": () => {
    say("Indiquez votre adresse : un lien vous sera envoyé.");
    ask([["email", "email", "Adresse email"]], "Envoyer le lien",
        (v) => send("POST", "/api/auth/password/forgot", { email: v.email }));
  },
  "connexion": () => {
    say("Connectez-vous.");
    ask([["email", "email", "Adresse email"], ["password", "password", "Mot de passe"]], "Se connecter",
        async (v) => {
          const result = await send("POST", "/api/auth/login", v);
          if (result.ok) result.data.detail = "Vous êtes connecté·e.";
          return result;
        });
  },
  "invitations": invitations,
};

(pages[page] || (() => say("Page inconnue.")))();
